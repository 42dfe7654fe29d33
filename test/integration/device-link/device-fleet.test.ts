import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLink } from '../../../src/main/core/device-link/device-link.js';
import { readDeviceManifest } from '../../../src/main/core/device-link/device-manifest.js';
import { DeviceFleet, MANIFEST_FILE } from '../../../sandbox/devices/device-fleet.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'device-fleet-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('device fleet', () => {
  it('starts N devices on their own ptys with a manifest the station can use', async () => {
    const dir = tempDir();
    const fleet = await DeviceFleet.start({
      count: 3,
      seed: 42,
      baudRate: 115200,
      dir,
      cloud: 'offline',
      faults: [{ name: 'small-buffer', target: '1' }],
    });
    try {
      const read = readDeviceManifest(join(dir, MANIFEST_FILE));
      if (!read.ok) throw new Error(read.message);
      const serials = read.manifest.devices.map((device) => device.serialNumber);
      expect(serials).toEqual(['SIM002A-001', 'SIM002A-002', 'SIM002A-003']);
      for (const [index, entry] of read.manifest.devices.entries()) {
        const opened = await DeviceLink.open(entry.path, { baudRate: entry.baudRate ?? 115200 });
        if (!opened.ok) throw new Error(opened.failure.message);
        const hello = await opened.value.hello();
        await opened.value.close();
        expect(hello.ok && hello.value).toMatchObject({
          serialNumber: entry.serialNumber,
          rxBuffer: index === 1 ? 256 : 1024,
        });
      }
    } finally {
      await fleet.stop();
    }
    expect(existsSync(join(dir, MANIFEST_FILE))).toBe(false);
    expect(existsSync(join(dir, 'tty-SIM002A-001'))).toBe(false);
  });

  it('CLI runs until SIGTERM and then removes its ptys and manifest', async () => {
    const dir = tempDir();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'sandbox/devices/devices-cli.ts',
        '--count',
        '2',
        '--seed',
        '3',
        '--dir',
        dir,
        '--offline',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const started = Date.now();
    while (!output.includes('manifest:')) {
      if (Date.now() - started > 20_000) throw new Error(`CLI did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(existsSync(join(dir, MANIFEST_FILE))).toBe(true);
    expect(existsSync(join(dir, 'tty-SIM0003-002'))).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(dir, MANIFEST_FILE))).toBe(false);
    expect(existsSync(join(dir, 'tty-SIM0003-001'))).toBe(false);
  });

  it('CLI refuses bad options with the usage text', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'sandbox/devices/devices-cli.ts', '--count', '0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(output).toContain('usage: devices-cli');
  });
});

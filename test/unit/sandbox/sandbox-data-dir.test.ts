import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  openDataDir,
  resetDataDir,
  sandboxDataPaths,
} from '../../../sandbox/orchestrator/sandbox-data-dir.js';
import { startSandbox, type StartSandboxOptions } from '../../../sandbox/orchestrator/start-sandbox.js';

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'sandbox-data-dir-'));
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const identity = { region: 'eu-west-1', accountId: '123456789012' };

describe('sandbox data directory', () => {
  it('writes a manifest and a lock, and refuses a second holder until released', () => {
    const dir = join(scratch, 'data');
    const opened = openDataDir(dir, identity);
    expect(JSON.parse(readFileSync(opened.paths.manifest, 'utf8'))).toMatchObject({
      kind: 'provisioning-station-sandbox',
      ...identity,
    });
    expect(readFileSync(opened.paths.lock, 'utf8').trim()).toBe(String(process.pid));
    expect(() => openDataDir(dir, identity)).toThrow(/in use by a running sandbox/);
    expect(() => resetDataDir(dir)).toThrow(/Stop it \(Ctrl\+C\) before resetting/);
    opened.release();
    opened.release();
    openDataDir(dir, identity).release();
    expect(resetDataDir(dir)).toEqual({ removed: true, dir: sandboxDataPaths(dir).dir });
    expect(resetDataDir(dir).removed).toBe(false);
  });

  it('treats the lock of a process that is gone as free', () => {
    const dir = join(scratch, 'data');
    openDataDir(dir, identity).release();
    writeFileSync(sandboxDataPaths(dir).lock, '2147483646\n');
    openDataDir(dir, identity).release();
  });

  it('refuses a data dir made for another region or account', () => {
    const dir = join(scratch, 'data');
    openDataDir(dir, identity).release();
    expect(() => openDataDir(dir, { ...identity, region: 'us-east-1' })).toThrow(
      /created for region eu-west-1, account 123456789012, not us-east-1/,
    );
  });

  it('does not reset a directory that is not a sandbox data dir', () => {
    const dir = join(scratch, 'documents');
    mkdirSync(dir);
    writeFileSync(join(dir, 'thesis.tex'), '...');
    expect(() => resetDataDir(dir)).toThrow(/does not look like a sandbox data directory/);
    expect(readFileSync(join(dir, 'thesis.tex'), 'utf8')).toBe('...');
  });
});

describe('startSandbox options', () => {
  it.each([
    [{ host: '0.0.0.0' }, /host: the sandbox listens on loopback only/],
    [{ region: 'Europe' }, /region: region must look like eu-west-1/],
    [{ ports: { mqtt: 70000 } }, /ports\.mqtt/],
    [{ claimValiditySeconds: 0 }, /claimValiditySeconds/],
  ])('refuses %j', async (options, problem) => {
    await expect(startSandbox(options as StartSandboxOptions)).rejects.toThrow(problem);
  });

  it('names a port that is taken, and leaves nothing running or locked', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const dir = join(scratch, 'data');
    try {
      await expect(startSandbox({ dataDir: dir, ports: { controlPlane: port } })).rejects.toThrow(
        new RegExp(`port is already in use \\(${port}\\)`),
      );
      openDataDir(dir, identity).release();
    } finally {
      blocker.close();
    }
  });
});

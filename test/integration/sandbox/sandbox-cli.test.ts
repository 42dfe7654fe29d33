import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStationProfile } from '../../../src/shared/station-profile-schema.js';
import { finished, sandboxCli as cli, startedOutput } from './sandbox-cli-process.js';

const scratch = mkdtempSync(join(tmpdir(), 'sandbox-cli-'));
const dataDir = join(scratch, 'data');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('sandbox-cli', () => {
  it('starts, prints endpoints, users and the profile path, stops on SIGTERM, then reset wipes the data dir', async () => {
    const profileOut = join(scratch, 'profile.json');
    const child = cli([
      'start',
      '--data-dir',
      dataDir,
      '--port-base',
      '0',
      '--profile-out',
      profileOut,
      '--quiet',
    ]);
    const result = finished(child);
    const printed = await startedOutput(child);
    expect(printed).toMatch(
      /IoT MQTT broker \(mutual TLS\)\s+127\.0\.0\.1:(\d+) \(SDKs: endpoint 127\.0\.0\.1, port \1\)/,
    );
    expect(printed).toContain('installer      Installer-Passw0rd!');
    expect(printed).toContain('TOTP secret SANDBOXMFAINSTALLERTOTPSECRETAAA');
    expect(printed).toContain(profileOut);
    const profile = parseStationProfile(JSON.parse(readFileSync(profileOut, 'utf8')));
    expect(profile.ok).toBe(true);
    expect(readFileSync(join(dataDir, 'station-profile.json'), 'utf8')).toBe(
      readFileSync(profileOut, 'utf8'),
    );

    child.kill('SIGTERM');
    const { code, output } = await result;
    expect(code).toBe(0);
    expect(output).toContain('Sandbox stopped');
    expect(existsSync(join(dataDir, 'sandbox.lock'))).toBe(false);

    const reset = await finished(cli(['reset', '--data-dir', dataDir]));
    expect(reset).toEqual({ code: 0, output: `Removed ${dataDir}.\n` });
    expect(existsSync(dataDir)).toBe(false);
  });

  it('explains a bad option and exits non-zero', async () => {
    const { code, output } = await finished(cli(['start', '--port-base', '80', '--data-dir', dataDir]));
    expect(code).toBe(1);
    expect(output).toContain('--port-base must be 0 or 1024-65533');
  });
});

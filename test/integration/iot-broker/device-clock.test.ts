import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './broker-fixture.js';

/**
 * Pitfall "TLS fails at boot: device clock unset": a device that verifies the broker's certificate
 * with its clock still at 1970 refuses it as not yet valid. OpenSSL's `s_client -attime` plays
 * that device (Node cannot verify at another time).
 */

const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
const haveOpenssl = openssl.status === 0;
if (!haveOpenssl) console.log('device-clock tests skipped: the openssl command is not installed');

describe.skipIf(!haveOpenssl)('device clock (openssl s_client -attime)', () => {
  let sandbox: Sandbox;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    dir = mkdtempSync(join(tmpdir(), 'device-clock-'));
    const claim = await sandbox.makeClaim();
    writeFileSync(join(dir, 'ca.pem'), sandbox.ca.caCertificatePem);
    writeFileSync(join(dir, 'claim.pem'), claim.certificatePem);
    writeFileSync(join(dir, 'claim.key'), claim.privateKeyPem, { mode: 0o600 });
  });
  afterAll(async () => {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs s_client asynchronously: the broker lives in this process and must keep running. */
  const handshake = (atTime: number) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn('openssl', [
        's_client',
        '-connect',
        `127.0.0.1:${sandbox.port}`,
        '-CAfile',
        join(dir, 'ca.pem'),
        '-cert',
        join(dir, 'claim.pem'),
        '-key',
        join(dir, 'claim.key'),
        '-attime',
        String(atTime),
        '-verify_return_error',
        '-brief',
      ]);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.resume();
      child.stdin.end();
      const timer = setTimeout(() => child.kill(), 10_000);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stderr });
      });
    });

  it('a device with a correct clock completes the handshake', async () => {
    const result = await handshake(Math.floor(Date.now() / 1000));
    expect(result.stderr).toContain('Verification: OK');
  });

  it('a device whose clock is at 1970 refuses the broker certificate as not yet valid', async () => {
    const result = await handshake(0);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/not yet valid/i);
  });
});

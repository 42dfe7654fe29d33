import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import { CertificateAuthority } from '../../../sandbox/iot/certificate-authority.js';
import { IotBroker } from '../../../sandbox/iot/broker/iot-broker.js';
import { IotRegistry } from '../../../sandbox/iot/iot-registry.js';
import { deviceTemplateBody, TEMPLATE } from './broker-fixture.js';

/**
 * The broker's log says why a connection ended at the TLS layer, for each reason a device meets:
 * an expired claim (its notAfter and how long ago), a certificate the sandbox did not issue, one it
 * knows but may not connect (INACTIVE, REVOKED, unregistered), no certificate at all, or a client
 * that gave up during the handshake because it does not trust the sandbox CA. Real TLS clients on
 * loopback: Node's and OpenSSL's s_client. (AWS's device SDK, aws-crt, trusting another root gives
 * the "closed without saying why" line too, but only after its TLS timeout of 10+ s: not run here.)
 */

// Whole seconds, so certificate dates (whole seconds) and "how long ago" are exact.
const start = Math.floor(Date.now() / 1000) * 1000;
const clock = new ManualClock(start);
const registry = new IotRegistry({ region: 'eu-west-1', accountId: '123456789012', clock });
let ca: CertificateAuthority;
let foreignCa: CertificateAuthority;
let broker: IotBroker;
let port: number;
let dir: string;
const logs: string[] = [];

beforeAll(async () => {
  // One clock for the CA, the registry and the broker: dates on certificates are the sandbox's dates.
  ca = await CertificateAuthority.create({ clock });
  foreignCa = await CertificateAuthority.create({ clock, commonName: 'Some Other Root CA' });
  registry.createTemplate({
    templateName: TEMPLATE,
    templateBody: JSON.stringify(deviceTemplateBody),
    provisioningRoleArn: 'arn:aws:iam::123456789012:role/ProvisioningRole',
    enabled: true,
  });
  broker = new IotBroker({ registry, ca, clock, log: (line) => logs.push(line) });
  ({ port } = await broker.start());
  dir = mkdtempSync(join(tmpdir(), 'tls-refusal-'));
});

afterAll(async () => {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  clock.set(start);
  logs.length = 0;
});

interface Credentials {
  certificatePem: string;
  privateKeyPem: string;
}

/** A claim issued at `issuedAt` (sandbox time) for `validForSeconds`, recorded as CreateProvisioningClaim does. */
async function claimIssuedAt(issuedAt: number, validForSeconds = 300): Promise<Credentials & { id: string }> {
  clock.set(issuedAt);
  const claim = await ca.issueClaimCertificate({ validForSeconds });
  registry.recordClaim({
    certificateId: claim.certificateId,
    templateName: TEMPLATE,
    expiration: claim.expiration * 1000,
  });
  clock.set(start);
  return {
    id: claim.certificateId,
    certificatePem: claim.certificatePem,
    privateKeyPem: claim.privateKeyPem,
  };
}

async function deviceCertificate(
  status?: 'ACTIVE' | 'INACTIVE' | 'REVOKED',
): Promise<Credentials & { id: string }> {
  const issued = await ca.issueDeviceCertificate();
  if (status) {
    registry.addCertificate({
      certificateId: issued.certificateId,
      certificatePem: issued.certificatePem,
      status,
    });
  }
  return {
    id: issued.certificateId,
    certificatePem: issued.certificatePem,
    privateKeyPem: issued.privateKeyPem ?? '',
  };
}

/**
 * One TLS connection with Node's client, trusting `trust` (default: the sandbox CA). Resolves when
 * the connection is gone: whether the handshake completed and whether the server sent any byte.
 */
function tlsAttempt(
  credentials: Partial<Credentials>,
  trust: string = ca.caCertificatePem,
): Promise<{ handshake: boolean; bytesFromServer: number; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: trust,
      ...(credentials.certificatePem ? { cert: credentials.certificatePem } : {}),
      ...(credentials.privateKeyPem ? { key: credentials.privateKeyPem } : {}),
    });
    let handshake = false;
    let bytesFromServer = 0;
    let error: string | undefined;
    socket.on('secureConnect', () => (handshake = true));
    socket.on('data', (chunk: Buffer) => (bytesFromServer += chunk.length));
    socket.on('error', (failure) => (error = failure.message));
    socket.on('close', () => resolve({ handshake, bytesFromServer, ...(error ? { error } : {}) }));
    setTimeout(() => socket.destroy(), 5000).unref();
  });
}

async function loggedRefusal(): Promise<string> {
  await expect
    .poll(() => logs.some((line) => /^(connection refused|TLS handshake failed)/.test(line)))
    .toBe(true);
  const lines = logs.filter((line) => /^(connection refused|TLS handshake failed)/.test(line));
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

describe('a client certificate the broker refuses: the log says which and why', () => {
  it('a claim expired by the sandbox clock: its notAfter and how long ago', async () => {
    const claim = await claimIssuedAt(start);
    const notAfter = new X509Certificate(claim.certificatePem).validToDate;
    expect(notAfter.getTime()).toBe(start + 300_000);
    clock.set(start + 300_000 + 61_000);
    const attempt = await tlsAttempt(claim);
    expect(attempt.bytesFromServer).toBe(0);
    expect(await loggedRefusal()).toBe(
      `connection refused: claim certificate ${claim.id.slice(0, 12)}… expired at ${notAfter.toISOString()}, ` +
        '1 min 1 s ago (its notAfter, by the sandbox clock); a claim of template BenchTemplate, valid 5 min: ' +
        'get a new claim (the station makes one per device; without a station: sandbox-cli claim)',
    );
  });

  it('a claim expired by the system clock as well (Node alone would only hang up): the same account', async () => {
    const claim = await claimIssuedAt(start - 3_600_000);
    const attempt = await tlsAttempt(claim);
    expect(attempt.bytesFromServer).toBe(0);
    const line = await loggedRefusal();
    expect(line).toContain(
      `claim certificate ${claim.id.slice(0, 12)}… expired at ${new Date(start - 3_300_000).toISOString()}, 55 min ago`,
    );
    expect(line).not.toMatch(/hang up/);
  });

  it('a certificate the sandbox did not issue: whose it is', async () => {
    const foreign = await foreignCa.issueDeviceCertificate();
    const attempt = await tlsAttempt({
      certificatePem: foreign.certificatePem,
      privateKeyPem: foreign.privateKeyPem ?? '',
    });
    expect(attempt.bytesFromServer).toBe(0);
    expect(await loggedRefusal()).toMatch(
      new RegExp(
        `^connection refused: client certificate ${foreign.certificateId.slice(0, 12)}… ` +
          '\\(issuer "CN=Some Other Root CA, O=Provisioning Station Sandbox"\\) was not issued by this sandbox\'s CA ' +
          '\\(TLS: [A-Z_]+\\): the sandbox only knows certificates it issued',
      ),
    );
  });

  it('a certificate of the sandbox CA that the registry does not know', async () => {
    const device = await deviceCertificate();
    await tlsAttempt(device);
    expect(await loggedRefusal()).toBe(
      `connection refused: certificate ${device.id.slice(0, 12)}… is not registered: the sandbox CA issued it, ` +
        'but the registry has no record (an unused certificate is deleted when its ownership token expires)',
    );
  });

  it.each([
    ['INACTIVE', 'UpdateCertificate can set it ACTIVE again'],
    ['REVOKED', 'revoked for good; provision the device again'],
  ] as const)('a %s certificate', async (status, hint) => {
    const device = await deviceCertificate(status);
    await tlsAttempt(device);
    const line = await loggedRefusal();
    expect(line).toContain(
      `connection refused: certificate ${device.id.slice(0, 12)}… is ${status}, not ACTIVE (`,
    );
    expect(line).toContain(hint);
  });

  it("a certificate not valid yet by this computer's clock (TLS verification)", async () => {
    clock.set(start + 3_600_000);
    const device = await ca.issueDeviceCertificate();
    clock.set(start);
    await tlsAttempt({ certificatePem: device.certificatePem, privateKeyPem: device.privateKeyPem ?? '' });
    expect(await loggedRefusal()).toBe(
      `connection refused: client certificate ${device.certificateId.slice(0, 12)}… is not valid before ` +
        `${new Date(start + 3_600_000).toISOString()} by this computer's clock (TLS verification): ` +
        'the clock that issued it is ahead, or this one is behind',
    );
  });

  it('no certificate at all', async () => {
    await tlsAttempt({});
    expect(await loggedRefusal()).toMatch(/^connection refused: the client sent no certificate/);
  });

  it('an ACTIVE certificate and a valid claim are not refused', async () => {
    for (const credentials of [await deviceCertificate('ACTIVE'), await claimIssuedAt(start)]) {
      const socket = connect({
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca: ca.caCertificatePem,
        cert: credentials.certificatePem,
        key: credentials.privateKeyPem,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('secureConnect', () => resolve());
        socket.once('error', reject);
      });
      // Still open a moment later: nothing refused it.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(socket.destroyed).toBe(false);
      socket.destroy();
    }
    expect(logs.filter((line) => line.startsWith('connection refused'))).toEqual([]);
  });
});

describe('a client that ends the handshake: the log says it does not trust the sandbox CA', () => {
  const trustHint = /the device must trust the sandbox CA \(ca-certificate\.pem .*SSL_CERT_FILE/;

  it("Node's TLS client trusting another root closes without a word", async () => {
    const claim = await claimIssuedAt(start);
    const attempt = await tlsAttempt(claim, foreignCa.caCertificatePem);
    expect(attempt.handshake).toBe(false);
    expect(attempt.error).toMatch(/certificate/);
    const line = await loggedRefusal();
    expect(line).toMatch(
      /^TLS handshake failed( with 127\.0\.0\.1)?: the client closed the connection during the handshake without saying why/,
    );
    expect(line).toMatch(trustHint);
  });

  const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
  if (!haveOpenssl) console.log('s_client case skipped: the openssl command is not installed');

  it.skipIf(!haveOpenssl)(
    'OpenSSL s_client trusting another root sends an alert, named in the log',
    async () => {
      const claim = await claimIssuedAt(start);
      writeFileSync(join(dir, 'other-ca.pem'), foreignCa.caCertificatePem);
      writeFileSync(join(dir, 'claim.pem'), claim.certificatePem);
      writeFileSync(join(dir, 'claim.key'), claim.privateKeyPem, { mode: 0o600 });
      const status = await new Promise<number | null>((resolve) => {
        const child = spawn('openssl', [
          's_client',
          '-connect',
          `127.0.0.1:${port}`,
          '-servername',
          'localhost',
          '-CAfile',
          join(dir, 'other-ca.pem'),
          '-cert',
          join(dir, 'claim.pem'),
          '-key',
          join(dir, 'claim.key'),
          '-verify_return_error',
          '-brief',
        ]);
        child.stdout.resume();
        child.stderr.resume();
        child.stdin.end();
        const timer = setTimeout(() => child.kill(), 10_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
      expect(status).not.toBe(0);
      const line = await loggedRefusal();
      expect(line).toMatch(
        /^TLS handshake failed( with 127\.0\.0\.1)?: the client refused the broker's certificate \(TLS alert ".*unknown ca"\)/,
      );
      expect(line).toMatch(trustHint);
    },
  );
});

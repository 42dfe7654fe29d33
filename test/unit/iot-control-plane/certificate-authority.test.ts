import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  webcrypto,
  X509Certificate,
} from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import {
  CertificateAuthority,
  CertificateAuthorityError,
  certificateIdOf,
} from '../../../sandbox/iot/certificate-authority.js';

const start = Date.UTC(2026, 10, 26, 8, 0, 0, 500);
const clock = new ManualClock(start);
let ca: CertificateAuthority;
let caCertificate: X509Certificate;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sandbox-ca-'));
  ca = await CertificateAuthority.create({ clock, dataDir, commonName: 'Unit Test Root' });
  caCertificate = new X509Certificate(ca.caCertificatePem);
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function caError(promise: Promise<unknown>): Promise<CertificateAuthorityError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CertificateAuthorityError) return error;
    throw error;
  }
  throw new Error('expected a CertificateAuthorityError');
}

/** A PKCS#10 request signed by `keys`, made with the library rather than the code under test. */
async function makeCsr(): Promise<string> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    { name: 'CN=device-0001', keys, signingAlgorithm: algorithm },
    webcrypto,
  );
  return csr.toString('pem');
}

describe('CertificateAuthority root', () => {
  it('is a CA certificate, back-dated a day, and stored with a private key file only the owner reads', () => {
    expect(caCertificate.ca).toBe(true);
    expect(caCertificate.subject).toContain('CN=Unit Test Root');
    expect(caCertificate.validFromDate.getTime()).toBe(Math.floor((start - 86_400_000) / 1000) * 1000);
    expect(readFileSync(join(dataDir, 'ca-certificate.pem'), 'utf8')).toBe(ca.caCertificatePem);
    expect(statSync(join(dataDir, 'ca-private-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('loads the same root from its data dir after a restart', async () => {
    const again = await CertificateAuthority.create({ clock, dataDir });
    expect(again.caCertificatePem).toBe(ca.caCertificatePem);
    const issued = await again.issueDeviceCertificate();
    expect(new X509Certificate(issued.certificatePem).verify(caCertificate.publicKey)).toBe(true);
  });

  it('refuses a data dir with half a CA or a key that does not belong to the certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-ca-broken-'));
    try {
      writeFileSync(join(dir, 'ca-certificate.pem'), ca.caCertificatePem);
      expect((await caError(CertificateAuthority.create({ clock, dataDir: dir }))).code).toBe(
        'UnusableCaFiles',
      );
      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      writeFileSync(join(dir, 'ca-private-key.pem'), stranger.export({ type: 'pkcs8', format: 'pem' }));
      const mismatch = await caError(CertificateAuthority.create({ clock, dataDir: dir }));
      expect(mismatch.code).toBe('UnusableCaFiles');
      expect(mismatch.message).toMatch(/Remove both/);
      unlinkSync(join(dir, 'ca-certificate.pem'));
      unlinkSync(join(dir, 'ca-private-key.pem'));
      writeFileSync(join(dir, 'ca-certificate.pem'), 'garbage');
      writeFileSync(join(dir, 'ca-private-key.pem'), 'garbage');
      expect((await caError(CertificateAuthority.create({ clock, dataDir: dir }))).code).toBe(
        'UnusableCaFiles',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CertificateAuthority claim certificates', () => {
  it('issues an AWS-shaped claim: id = SHA-256 of the DER, RSA PKCS#1 key, expiry from the clock', async () => {
    const claim = await ca.issueClaimCertificate({ validForSeconds: 300 });
    const certificate = new X509Certificate(claim.certificatePem);
    expect(claim.certificateId).toBe(createHash('sha256').update(certificate.raw).digest('hex'));
    expect(claim.certificateId).toBe(certificateIdOf(claim.certificatePem));
    expect(claim.expiration).toBe(Math.floor(start / 1000) + 300);
    expect(certificate.validToDate.getTime()).toBe(claim.expiration * 1000);
    expect(certificate.validFromDate.getTime()).toBe(Math.floor(start / 1000) * 1000);
    expect(certificate.subject).toBe('CN=AWS IoT Certificate');
    expect(certificate.verify(caCertificate.publicKey)).toBe(true);
    expect(claim.privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const privateKey = createPrivateKey(claim.privateKeyPem);
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(certificate.checkPrivateKey(privateKey)).toBe(true);
    expect(createPublicKey(claim.publicKeyPem).export({ type: 'spki', format: 'der' })).toEqual(
      certificate.publicKey.export({ type: 'spki', format: 'der' }),
    );
  });

  it('follows the injected clock and refuses a non-positive lifetime', async () => {
    const later = new ManualClock(Date.UTC(2030, 0, 1));
    const laterCa = await CertificateAuthority.create({ clock: later });
    const claim = await laterCa.issueClaimCertificate({ validForSeconds: 60 });
    expect(new X509Certificate(claim.certificatePem).validToDate.toISOString()).toBe(
      '2030-01-01T00:01:00.000Z',
    );
    await expect(laterCa.issueClaimCertificate({ validForSeconds: 0 })).rejects.toThrow(/positive/);
  });
});

describe('CertificateAuthority device certificates', () => {
  it('generates a key pair when given nothing (CreateKeysAndCertificate), valid until 2049', async () => {
    const issued = await ca.issueDeviceCertificate();
    const certificate = new X509Certificate(issued.certificatePem);
    expect(issued.privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(certificate.checkPrivateKey(createPrivateKey(issued.privateKeyPem ?? ''))).toBe(true);
    expect(certificate.validToDate.toISOString()).toBe('2049-12-31T23:59:59.000Z');
    expect(certificate.subject).toBe('CN=AWS IoT Certificate');
    expect(issued.certificateId).toBe(certificateIdOf(issued.certificatePem));
  });

  it('certifies the key of a valid CSR and returns no private key', async () => {
    const csrPem = await makeCsr();
    const issued = await ca.issueDeviceCertificate({ csrPem });
    expect(issued.privateKeyPem).toBeUndefined();
    const certificate = new X509Certificate(issued.certificatePem);
    const csrKey = new x509.Pkcs10CertificateRequest(csrPem).publicKey.rawData;
    expect(certificate.publicKey.export({ type: 'spki', format: 'der' })).toEqual(Buffer.from(csrKey));
    expect(certificate.verify(caCertificate.publicKey)).toBe(true);
  });

  it('refuses a tampered CSR, a CSR that is not one, and a weak public key', async () => {
    const csrPem = await makeCsr();
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    // Change one byte of the subject's common name: the structure still parses, the signature no longer fits.
    const der = Buffer.from(csr.rawData);
    const at = der.indexOf(Buffer.from('device-0001'));
    der[at] = 'D'.charCodeAt(0);
    const tampered = x509.PemConverter.encode(der, 'CERTIFICATE REQUEST');
    const error = await caError(ca.issueDeviceCertificate({ csrPem: tampered }));
    expect(error.code).toBe('InvalidCsr');
    expect(error.message).toMatch(/signature/);
    expect((await caError(ca.issueDeviceCertificate({ csrPem: 'not a csr' }))).code).toBe('InvalidCsr');
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect((await caError(ca.issueDeviceCertificate({ publicKeyPem: weak.toString() }))).code).toBe(
      'InvalidPublicKey',
    );
  });

  it('certifies a given EC public key', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const issued = await ca.issueDeviceCertificate({
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    expect(new X509Certificate(issued.certificatePem).publicKey.asymmetricKeyType).toBe('ec');
  });
});

describe('certificateIdOf', () => {
  it('refuses text that is not a certificate', () => {
    expect(() => certificateIdOf('nope')).toThrow(CertificateAuthorityError);
  });
});

import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { ManualClock } from '../../../sandbox/clock.js';
import { CertificateAuthority } from '../../../sandbox/iot/certificate-authority.js';

/**
 * Real secret material, made fresh for the tests: an RSA key (PKCS#8 and PKCS#1), EC and Ed25519
 * keys, a self-signed certificate, and each of them in the encodings a leak would take.
 */
export interface SecretSamples {
  rsaPkcs8Pem: string;
  rsaPkcs1Pem: string;
  ecSec1Pem: string;
  ed25519Pkcs8Pem: string;
  certificatePem: string;
  certificateDer: Buffer;
  rsaKeyDer: Buffer;
  ed25519KeyDer: Buffer;
  /** Cognito-style JWT and the sandbox's opaque refresh token and session token. */
  jwt: string;
  refreshToken: string;
  sessionToken: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export async function makeSecretSamples(): Promise<SecretSamples> {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  // A real X.509 certificate: the sandbox's root, made in memory.
  const authority = await CertificateAuthority.create({
    clock: new ManualClock(),
    commonName: 'Secret Samples',
  });
  const certificatePem = authority.caCertificatePem;
  const header = base64url(JSON.stringify({ kid: 'abc', alg: 'RS256' }));
  const payload = base64url(JSON.stringify({ sub: 'b1e3c1d4-0000-4000-8000-000000000001', token_use: 'id' }));
  return {
    rsaPkcs8Pem: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    rsaPkcs1Pem: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ecSec1Pem: ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
    ed25519Pkcs8Pem: ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem,
    certificateDer: new X509Certificate(certificatePem).raw,
    rsaKeyDer: rsa.privateKey.export({ type: 'pkcs8', format: 'der' }),
    ed25519KeyDer: ed.privateKey.export({ type: 'pkcs8', format: 'der' }),
    jwt: `${header}.${payload}.${randomBytes(256).toString('base64url')}`,
    refreshToken: randomBytes(96).toString('base64url'),
    sessionToken: randomBytes(96).toString('base64'),
    accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

/** The base64 body of a PEM, its lines kept. */
export function pemBody(pem: string): string {
  return pem
    .split('\n')
    .filter((line) => line && !line.startsWith('-----'))
    .join('\n');
}

/** A PEM with its BEGIN line cut off. */
export function withoutHeader(pem: string): string {
  return pem.slice(pem.indexOf('\n') + 1);
}

/** A PEM with its END line cut off. */
export function withoutFooter(pem: string): string {
  return pem.slice(0, pem.indexOf('-----END'));
}

import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ClaimAnswerInvalidError } from './claim-errors.js';
import { certificateIdOf } from '../aws/registry-verification.js';

/** The parts of CreateProvisioningClaimCommandOutput the station uses (PascalCase inside keyPair, as AWS sends it). */
export interface ProvisioningClaimAnswer {
  certificateId?: string;
  certificatePem?: string;
  keyPair?: { PublicKey?: string; PrivateKey?: string };
  expiration?: Date;
}

/** A checked answer. The PEM strings are the SDK's own (no copies made here); the caller encodes and drops them. */
export interface CheckedClaimAnswer {
  certificateId: string;
  certificatePem: string;
  privateKeyPem: string;
  /** The earlier of `expiration` and the certificate's notAfter, ms since 1970. */
  expiresAt: number;
}

/** AWS claims last 5 minutes; anything past an hour is not a provisioning claim (or the clock is far off). */
export const MAX_CLAIM_VALIDITY_MS = 3_600_000;
/** Far more than any certificate or key PEM AWS issues; bounds the parsing work on a bad answer. */
const MAX_PEM_LENGTH = 16 * 1024;

const certificateIdPattern = /^[0-9a-f]{64}$/;
const certificatePemPattern =
  /^\s*-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/;
/** PKCS#1 RSA (what AWS sends), SEC 1 EC or unencrypted PKCS#8: what a device's TLS stack can load as is. */
const privateKeyPemPattern =
  /^\s*-----BEGIN (RSA |EC |)PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END \1PRIVATE KEY-----\s*$/;

/**
 * Checks a CreateProvisioningClaim answer against the station clock `now`. Parsing works on Buffers
 * that are zeroed before returning; errors name the field and the problem, never its content.
 */
export function checkClaimAnswer(answer: unknown, now: number): CheckedClaimAnswer {
  if (typeof answer !== 'object' || answer === null)
    throw new ClaimAnswerInvalidError('the answer', 'is empty');
  const { certificateId, certificatePem, keyPair, expiration } = answer as ProvisioningClaimAnswer;

  if (typeof certificateId !== 'string' || !certificateIdPattern.test(certificateId)) {
    throw new ClaimAnswerInvalidError('certificateId', 'is not 64 lowercase hexadecimal characters');
  }
  if (!isBoundedString(certificatePem) || !certificatePemPattern.test(certificatePem)) {
    throw new ClaimAnswerInvalidError('certificatePem', 'is not one PEM CERTIFICATE block');
  }
  const privateKeyPem = keyPair?.PrivateKey;
  if (!isBoundedString(privateKeyPem) || !privateKeyPemPattern.test(privateKeyPem)) {
    throw new ClaimAnswerInvalidError(
      'keyPair.PrivateKey',
      'is not one unencrypted PEM PRIVATE KEY block (RSA, EC or PKCS#8)',
    );
  }
  if (!(expiration instanceof Date) || !Number.isFinite(expiration.getTime())) {
    throw new ClaimAnswerInvalidError('expiration', 'is missing or not a date');
  }

  const certificate = parseCertificate(certificatePem);
  const derDigest = certificateIdOf(certificate);
  // Node keeps the DER it hashed: zero it, the certificate is the claim's.
  certificate.raw.fill(0);
  if (derDigest !== certificateId) {
    throw new ClaimAnswerInvalidError(
      'certificateId',
      `${certificateId} is not the SHA-256 of the certificate it came with`,
    );
  }
  const privateKey = parsePrivateKey(privateKeyPem);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ClaimAnswerInvalidError('keyPair.PrivateKey', 'does not belong to the claim certificate');
  }

  const expiresAt = Math.min(expiration.getTime(), certificate.validToDate.getTime());
  const remaining = expiresAt - now;
  if (remaining <= 0) {
    throw new ClaimAnswerInvalidError(
      'expiration',
      `is ${seconds(-remaining)} s before this station's clock, so the claim is already expired ` +
        '(if this repeats, the station clock is ahead: set it right, e.g. enable NTP)',
    );
  }
  if (remaining > MAX_CLAIM_VALIDITY_MS) {
    throw new ClaimAnswerInvalidError(
      'expiration',
      `is ${seconds(remaining)} s after this station's clock, but provisioning claims last minutes ` +
        '(if this repeats, the station clock is behind: set it right, e.g. enable NTP)',
    );
  }
  return { certificateId, certificatePem, privateKeyPem, expiresAt };
}

function isBoundedString(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_PEM_LENGTH;
}

function parseCertificate(pem: string): X509Certificate {
  const bytes = Buffer.from(pem, 'utf8');
  try {
    return new X509Certificate(bytes);
  } catch {
    // OpenSSL's reason would say nothing the operator can act on; the PEM is never quoted.
    throw new ClaimAnswerInvalidError('certificatePem', 'does not parse as an X.509 certificate');
  } finally {
    bytes.fill(0);
  }
}

function parsePrivateKey(pem: string): KeyObject {
  const bytes = Buffer.from(pem, 'utf8');
  try {
    // The KeyObject lives in OpenSSL memory until GC; OpenSSL clears private key numbers as it frees them.
    return createPrivateKey({ key: bytes, format: 'pem' });
  } catch {
    throw new ClaimAnswerInvalidError('keyPair.PrivateKey', 'does not parse as a private key');
  } finally {
    bytes.fill(0);
  }
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}

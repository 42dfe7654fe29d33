import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  webcrypto,
  X509Certificate,
} from 'node:crypto';
import type { ClaimSource, ProvisioningClaimAnswer } from '../../../src/main/core/claims/index.js';

/**
 * Real claim material for unit tests: self-signed certificates on real RSA (PKCS#1, as AWS sends)
 * or EC (PKCS#8) keys, shaped as CreateProvisioningClaimCommandOutput, and a ClaimSource that
 * hands them out and records what it was asked.
 */

const rsa = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const ec = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

export interface KeyMaterial {
  keys: webcrypto.CryptoKeyPair;
  algorithm: typeof rsa | typeof ec;
  privateKeyPem: string;
  publicKeyPem: string;
}

export async function newKeyMaterial(kind: 'rsa' | 'ec' = 'rsa'): Promise<KeyMaterial> {
  const algorithm = kind === 'rsa' ? rsa : ec;
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyObject = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const privateKeyPem =
    kind === 'rsa'
      ? keyObject.export({ type: 'pkcs1', format: 'pem' }).toString()
      : keyObject.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyPem = createPublicKey(keyObject).export({ type: 'spki', format: 'pem' }).toString();
  return { keys, algorithm, privateKeyPem, publicKeyPem };
}

export async function selfSignedPem(
  material: KeyMaterial,
  notBefore: number,
  notAfter: number,
  subject = 'CN=AWS IoT Certificate',
): Promise<string> {
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomBytes(8)
        .toString('hex')
        .replace(/^[89a-f]/, '1'),
      name: subject,
      notBefore: new Date(notBefore),
      notAfter: new Date(notAfter),
      keys: material.keys,
      signingAlgorithm: material.algorithm,
    },
    webcrypto,
  );
  return `${certificate.toString('pem')}\n`;
}

export function certificateIdOf(certificatePem: string): string {
  return createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('hex');
}

/** An answer as AWS gives it: expiration in whole seconds, `validForMs` after `now`. */
export async function claimAnswer(
  material: KeyMaterial,
  now: number,
  validForMs = 300_000,
): Promise<Required<ProvisioningClaimAnswer> & { keyPair: { PublicKey: string; PrivateKey: string } }> {
  const expiration = Math.floor((now + validForMs) / 1000) * 1000;
  const certificatePem = await selfSignedPem(material, Math.floor(now / 1000) * 1000, expiration);
  return {
    certificateId: certificateIdOf(certificatePem),
    certificatePem,
    keyPair: { PublicKey: material.publicKeyPem, PrivateKey: material.privateKeyPem },
    expiration: new Date(expiration),
  };
}

/** A copy of the secret strings of an answer, taken before the manager lets go of them. */
export function secretsOf(answer: ProvisioningClaimAnswer): {
  certificatePem: string;
  privateKeyPem: string;
} {
  return { certificatePem: answer.certificatePem ?? '', privateKeyPem: answer.keyPair?.PrivateKey ?? '' };
}

/** Base64 bodies of the PEMs, cut into windows: any one found in a text means material leaked. */
export function secretFragments(pems: string[], window = 24): string[] {
  const fragments: string[] = [];
  for (const pem of pems) {
    const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    for (let i = 0; i + window <= body.length; i += window) fragments.push(body.slice(i, i + window));
  }
  return fragments;
}

export class FakeClaimSource implements ClaimSource {
  readonly calls: { templateName: string; signal: AbortSignal | undefined }[] = [];
  /** What each call answers, in order; a function is called per request. */
  readonly answers: (ProvisioningClaimAnswer | (() => Promise<ProvisioningClaimAnswer>))[] = [];

  createProvisioningClaim(templateName: string, signal?: AbortSignal): Promise<ProvisioningClaimAnswer> {
    this.calls.push({ templateName, signal });
    if (this.answers.length === 0) return Promise.reject(new Error('FakeClaimSource: no answer queued'));
    const next = this.answers.shift();
    // A test may queue `undefined` on purpose (an empty answer).
    return typeof next === 'function' ? next() : Promise.resolve(next as ProvisioningClaimAnswer);
  }
}

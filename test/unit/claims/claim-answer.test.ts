import { createPrivateKey } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  amazonRootCaPem,
  ClaimAnswerInvalidError,
  ClaimManager,
  type ProvisioningClaimAnswer,
} from '../../../src/main/core/claims/index.js';
import { decodeClaimBlob } from '../../../src/main/core/device-link/claim-blob.js';
import { StationError } from '../../../src/main/core/station-error.js';
import { ManualClock } from '../../support/manual-clock.js';
import {
  certificateIdOf,
  claimAnswer,
  FakeClaimSource,
  newKeyMaterial,
  secretFragments,
  selfSignedPem,
  type KeyMaterial,
} from './claim-fixtures.js';

/** What CreateProvisioningClaim may answer that no device can use, and what the station says about it. */

const clock = new ManualClock();
const now = clock.now();
let rsaKey: KeyMaterial;
let otherKey: KeyMaterial;
let original: Awaited<ReturnType<typeof claimAnswer>>;
/** A fresh copy each time: the manager strips the key from the answer it was given. */
let good: Awaited<ReturnType<typeof claimAnswer>>;
let otherCertificatePem: string;
let twoHours: Awaited<ReturnType<typeof claimAnswer>>;

beforeAll(async () => {
  [rsaKey, otherKey] = await Promise.all([newKeyMaterial('rsa'), newKeyMaterial('ec')]);
  original = await claimAnswer(rsaKey, now);
  otherCertificatePem = await selfSignedPem(otherKey, now, now + 300_000);
  twoHours = await claimAnswer(rsaKey, now, 7_200_000);
});

type Case = [name: string, field: string, answer: () => unknown];

const withKey = (PrivateKey: unknown) => () => ({ ...good, keyPair: { ...good.keyPair, PrivateKey } });
const expiringAt = (expiration: unknown) => () => ({ ...good, expiration });

const cases: Case[] = [
  ['no answer', 'the answer', () => undefined],
  ['no certificateId', 'certificateId', () => ({ ...good, certificateId: undefined })],
  [
    'an upper-case certificateId',
    'certificateId',
    () => ({ ...good, certificateId: good.certificateId.toUpperCase() }),
  ],
  ['a short certificateId', 'certificateId', () => ({ ...good, certificateId: good.certificateId.slice(1) })],
  [
    "another certificate's id",
    'certificateId',
    () => ({ ...good, certificateId: certificateIdOf(otherCertificatePem) }),
  ],
  ['no certificate', 'certificatePem', () => ({ ...good, certificatePem: undefined })],
  [
    'a certificate that is not PEM',
    'certificatePem',
    () => ({ ...good, certificatePem: 'MIIB' + 'A'.repeat(600) }),
  ],
  [
    'a PEM certificate that does not parse',
    'certificatePem',
    () => ({ ...good, certificatePem: '-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n' }),
  ],
  [
    'two certificates',
    'certificatePem',
    () => ({ ...good, certificatePem: good.certificatePem + good.certificatePem }),
  ],
  [
    'a certificate followed by its key',
    'certificatePem',
    () => ({ ...good, certificatePem: good.certificatePem + good.keyPair.PrivateKey }),
  ],
  [
    'an oversized certificate',
    'certificatePem',
    () => ({ ...good, certificatePem: good.certificatePem.repeat(20) }),
  ],
  ['no key pair', 'keyPair.PrivateKey', () => ({ ...good, keyPair: undefined })],
  ['no private key', 'keyPair.PrivateKey', withKey(undefined)],
  [
    'the public key in place of the private key',
    'keyPair.PrivateKey',
    () => withKey(good.keyPair.PublicKey)(),
  ],
  [
    'an encrypted private key',
    'keyPair.PrivateKey',
    () =>
      withKey(
        createPrivateKey(rsaKey.privateKeyPem)
          .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' })
          .toString(),
      )(),
  ],
  [
    'a private key PEM that does not parse',
    'keyPair.PrivateKey',
    withKey('-----BEGIN RSA PRIVATE KEY-----\nQUJDRA==\n-----END RSA PRIVATE KEY-----\n'),
  ],
  [
    'a key with mismatched armour',
    'keyPair.PrivateKey',
    () => withKey(good.keyPair.PrivateKey.replace('END RSA', 'END EC'))(),
  ],
  ['the key of another certificate', 'keyPair.PrivateKey', () => withKey(otherKey.privateKeyPem)()],
  ['no expiration', 'expiration', expiringAt(undefined)],
  ['an expiration that is not a Date', 'expiration', () => expiringAt(good.expiration.getTime())()],
  ['an invalid Date', 'expiration', expiringAt(new Date(Number.NaN))],
  ['an expiration in the past', 'expiration', expiringAt(new Date(now - 1_000))],
  ['an expiration equal to now', 'expiration', expiringAt(new Date(now))],
  [
    'epoch seconds read as milliseconds',
    'expiration',
    () => expiringAt(new Date(Math.floor(now / 1000) + 300))(),
  ],
  ['a claim valid for two hours', 'expiration', () => structuredClone(twoHours)],
];

beforeEach(() => {
  good = structuredClone(original);
});

function newManager(answer: unknown) {
  const source = new FakeClaimSource();
  source.answers.push(answer as ProvisioningClaimAnswer);
  const lines: string[] = [];
  const manager = new ClaimManager({
    source,
    clock,
    endpoint: { host: 'example-ats.iot.eu-west-1.amazonaws.com', port: 8883 },
    rootCaPem: amazonRootCaPem(),
    log: (line) => lines.push(line),
  });
  return { manager, lines };
}

describe('a CreateProvisioningClaim answer the station refuses', () => {
  it.each(cases)('%s → %s', async (_name, field, makeAnswer) => {
    const answer = makeAnswer();
    const { manager, lines } = newManager(answer);
    const error = await manager
      .request({ runId: 'run-1', templateName: 'Template', templateParameters: {} })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ClaimAnswerInvalidError);
    expect(error).toBeInstanceOf(StationError);
    expect(error).toMatchObject({ field, code: 'CLAIM_ANSWER_INVALID' });
    const { message } = error as Error;
    expect(message).toContain(`unusable claim: ${field} `);
    expect(message).toContain('press Retry');
    // Never the material itself, in whole or in part, nor anything that came with it.
    expect(message).not.toMatch(/-----|MII/);
    const { privateKeyPem, publicKeyPem } = rsaKey;
    for (const fragment of secretFragments([
      good.certificatePem,
      privateKeyPem,
      publicKeyPem,
      otherKey.privateKeyPem,
    ])) {
      expect(message).not.toContain(fragment);
    }
    expect((error as Error).cause).toBeUndefined();
    expect(manager.outstanding()).toBe(0);
    expect(lines).toEqual([]);
    // The SDK object no longer references the key either way.
    if (typeof answer === 'object' && answer !== null) {
      expect((answer as ProvisioningClaimAnswer).keyPair?.PrivateKey).toBeUndefined();
    }
  });

  it('says the station clock is ahead when the claim has already expired', async () => {
    const { manager } = newManager({ ...good, expiration: new Date(now - 30_000) });
    await expect(
      manager.request({ runId: 'run-1', templateName: 'Template', templateParameters: {} }),
    ).rejects.toThrow(/expiration is 30 s before this station's clock.*station clock is ahead/);
  });
});

describe('a CreateProvisioningClaim answer the station accepts', () => {
  it('takes the certificate notAfter when it comes before the stated expiration', async () => {
    const certificatePem = await selfSignedPem(rsaKey, now, now + 120_000);
    const answer = { ...good, certificatePem, certificateId: certificateIdOf(certificatePem) };
    const { manager } = newManager(answer);
    const lease = await manager.request({ runId: 'run-1', templateName: 'Template', templateParameters: {} });
    expect(lease.expiresAt).toBe(now + 120_000);
  });

  it.each([
    ['PKCS#8 EC', 'pkcs8'],
    ['SEC 1 EC', 'sec1'],
  ] as const)('an %s key', async (_name, type) => {
    const ecKey = await newKeyMaterial('ec');
    const answer = await claimAnswer(ecKey, now);
    const privateKeyPem = createPrivateKey(ecKey.privateKeyPem).export({ type, format: 'pem' }).toString();
    answer.keyPair.PrivateKey = privateKeyPem;
    const { manager } = newManager(answer);
    const lease = await manager.request({ runId: 'run-1', templateName: 'Template', templateParameters: {} });
    const decoded = decodeClaimBlob(lease.forDelivery().bytes);
    expect(decoded.ok && decoded.claim.privateKeyPem).toBe(privateKeyPem);
  });
});

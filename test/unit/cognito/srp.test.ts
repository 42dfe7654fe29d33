import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  SRP_G,
  SRP_N,
  createServerEphemeral,
  createVerifier,
  deriveSessionKey,
  formatSrpTimestamp,
  modPow,
  paddedHex,
  parseClientPublic,
  parseSrpTimestamp,
  passwordClaimSignature,
  passwordMatchesVerifier,
  signaturesEqual,
} from '../../../sandbox/cognito/srp.js';

/**
 * The client half comes from Amplify's own SRP code (the files its signIn runs), loaded by path
 * because the package does not export them: the server must agree with that exact client.
 */
interface BigIntegerLike {
  toString(radix: number): string;
}
interface AmplifySrpClient {
  A: BigIntegerLike;
  getPasswordAuthenticationKey(input: {
    username: string;
    password: string;
    serverBValue: BigIntegerLike;
    salt: BigIntegerLike;
  }): Promise<Uint8Array>;
}
const srpDir = new URL(
  '../../../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/',
  import.meta.url,
);
const load = async <T>(file: string): Promise<T> => (await import(fileURLToPath(new URL(file, srpDir)))) as T;
const { getAuthenticationHelper } = await load<{
  getAuthenticationHelper(pool: string): Promise<AmplifySrpClient>;
}>('getAuthenticationHelper.mjs');
const { getSignatureString } = await load<{
  getSignatureString(input: {
    userPoolName: string;
    username: string;
    challengeParameters: Record<string, string>;
    dateNow: string;
    hkdf: Uint8Array;
  }): string;
}>('getSignatureString.mjs');
const { getNowString } = await load<{ getNowString(): string }>('getNowString.mjs');
const BigInteger = (
  await load<{ default: new (hex: string, radix: number) => BigIntegerLike }>('BigInteger/BigInteger.mjs')
).default;

const poolName = 'Sandbox01';

async function amplifyProof(input: {
  username: string;
  password: string;
  saltHex: string;
  serverPublicHex: string;
}) {
  const client = await getAuthenticationHelper(poolName);
  const hkdf = await client.getPasswordAuthenticationKey({
    username: input.username,
    password: input.password,
    serverBValue: new BigInteger(input.serverPublicHex, 16),
    salt: new BigInteger(input.saltHex, 16),
  });
  const secretBlock = randomBytes(64).toString('base64');
  const timestamp = getNowString();
  const signature = getSignatureString({
    userPoolName: poolName,
    username: input.username,
    challengeParameters: { SECRET_BLOCK: secretBlock },
    dateNow: timestamp,
    hkdf,
  });
  return { clientPublicHex: client.A.toString(16), secretBlock, timestamp, signature };
}

async function serverAccepts(
  username: string,
  storedPassword: string,
  typedPassword: string,
): Promise<boolean> {
  const record = createVerifier({ poolName, userId: username, password: storedPassword });
  const ephemeral = createServerEphemeral(record.verifierHex);
  const proof = await amplifyProof({
    username,
    password: typedPassword,
    saltHex: record.saltHex,
    serverPublicHex: ephemeral.publicHex,
  });
  const A = parseClientPublic(proof.clientPublicHex);
  if (A === undefined) throw new Error('Amplify produced an invalid A');
  const key = deriveSessionKey({ A, verifierHex: record.verifierHex, ephemeral });
  const expected = passwordClaimSignature({
    key,
    poolName,
    userId: username,
    secretBlockBase64: proof.secretBlock,
    timestamp: proof.timestamp,
  });
  return signaturesEqual(expected, proof.signature);
}

describe('SRP-6a as Cognito runs it', () => {
  it('accepts the password claim Amplify computes for the right password', async () => {
    expect(await serverAccepts('ines', 'Installer#2026', 'Installer#2026')).toBe(true);
  });

  it('rejects the claim for a wrong password', async () => {
    expect(await serverAccepts('ines', 'Installer#2026', 'Installer#2027')).toBe(false);
  });

  it('mixes the user id into the proof (same password, other user id, no match)', async () => {
    const record = createVerifier({ poolName, userId: 'ines', password: 'Installer#2026' });
    const ephemeral = createServerEphemeral(record.verifierHex);
    const proof = await amplifyProof({
      username: 'victor',
      password: 'Installer#2026',
      saltHex: record.saltHex,
      serverPublicHex: ephemeral.publicHex,
    });
    const key = deriveSessionKey({
      A: parseClientPublic(proof.clientPublicHex) ?? 0n,
      verifierHex: record.verifierHex,
      ephemeral,
    });
    const expected = passwordClaimSignature({
      key,
      poolName,
      userId: 'victor',
      secretBlockBase64: proof.secretBlock,
      timestamp: proof.timestamp,
    });
    expect(signaturesEqual(expected, proof.signature)).toBe(false);
  });

  it('checks plain passwords against the verifier (USER_PASSWORD_AUTH)', () => {
    const record = createVerifier({ poolName, userId: 'ines', password: 'Installer#2026' });
    expect(passwordMatchesVerifier(record, { poolName, userId: 'ines', password: 'Installer#2026' })).toBe(
      true,
    );
    expect(passwordMatchesVerifier(record, { poolName, userId: 'ines', password: 'installer#2026' })).toBe(
      false,
    );
    expect(
      passwordMatchesVerifier(record, { poolName: 'Other', userId: 'ines', password: 'Installer#2026' }),
    ).toBe(false);
  });

  it('encodes integers as minimal two-complement hex', () => {
    expect(paddedHex(0x14n)).toBe('14');
    expect(paddedHex(0xecn)).toBe('00ec');
    expect(paddedHex(0x1ecn)).toBe('01ec');
    expect(paddedHex(SRP_N).startsWith('00ff')).toBe(true);
  });

  it('refuses client public values that would void the proof', () => {
    expect(parseClientPublic('0')).toBeUndefined();
    expect(parseClientPublic(SRP_N.toString(16))).toBeUndefined();
    expect(parseClientPublic((SRP_N * 3n).toString(16))).toBeUndefined();
    expect(parseClientPublic('xyz')).toBeUndefined();
    expect(parseClientPublic(modPow(SRP_G, 12345n, SRP_N).toString(16))).toBeDefined();
  });

  it('computes modular powers', () => {
    expect(modPow(4n, 13n, 497n)).toBe(445n);
    expect(modPow(SRP_G, SRP_N - 1n, SRP_N)).toBe(1n);
  });
});

describe('SRP TIMESTAMP', () => {
  it('formats like the Amplify client and parses back', () => {
    const ms = Date.UTC(2026, 10, 6, 7, 4, 9);
    expect(formatSrpTimestamp(ms)).toBe('Fri Nov 6 07:04:09 UTC 2026');
    expect(parseSrpTimestamp('Fri Nov 6 07:04:09 UTC 2026')).toBe(ms);
    expect(parseSrpTimestamp(getNowString())).toBeGreaterThan(Date.now() - 5000);
  });

  it('rejects malformed and impossible timestamps', () => {
    expect(parseSrpTimestamp('2026-11-06T07:04:09Z')).toBeUndefined();
    expect(parseSrpTimestamp('Thu Nov 6 07:04:09 UTC 2026')).toBeUndefined();
    expect(parseSrpTimestamp('Tue Feb 31 07:04:09 UTC 2026')).toBeUndefined();
    expect(parseSrpTimestamp('Fri Nov 6 24:04:09 UTC 2026')).toBeUndefined();
  });
});

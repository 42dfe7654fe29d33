import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Server side of the SRP-6a exchange Cognito user pools run for USER_SRP_AUTH, byte for byte as the
 * Amplify client computes its half: the 3072-bit group of RFC 3526, g = 2, SHA-256, values hashed as
 * the hex of their minimal two's-complement encoding ("padded hex"), a 16-byte HKDF key and an
 * HMAC-SHA256 password-claim signature over pool name, user id, secret block and timestamp.
 */

const GROUP_N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';

export const SRP_N = BigInt(`0x${GROUP_N_HEX}`);
export const SRP_G = 2n;

/** Hex of the minimal two's-complement big-endian encoding of a non-negative integer. */
export function paddedHex(value: bigint): string {
  if (value < 0n) throw new RangeError('SRP values are never negative');
  let hex = value.toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function hashOfHex(hex: string): bigint {
  return BigInt(`0x${sha256Hex(Buffer.from(hex, 'hex'))}`);
}

/** Right-to-left square-and-multiply; bigint has no built-in modular exponentiation. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** k = H(PAD(N) | PAD(g)), the SRP-6a multiplier. */
export const SRP_K = hashOfHex(paddedHex(SRP_N) + paddedHex(SRP_G));

/** x = H(PAD(salt) | H(poolName | userId ":" password)); the only place the password enters. */
export function passwordExponent(input: {
  poolName: string;
  userId: string;
  password: string;
  saltHex: string;
}): bigint {
  const inner = sha256Hex(`${input.poolName}${input.userId}:${input.password}`);
  return hashOfHex(paddedHex(BigInt(`0x${input.saltHex}`)) + inner);
}

export interface SrpVerifierRecord {
  /** Hex as sent to the client in the SALT challenge parameter. */
  saltHex: string;
  /** v = g^x mod N, hex. */
  verifierHex: string;
}

/** What the pool stores instead of a password. */
export function createVerifier(input: {
  poolName: string;
  userId: string;
  password: string;
}): SrpVerifierRecord {
  const saltHex = randomBytes(16).toString('hex');
  const x = passwordExponent({ ...input, saltHex });
  return { saltHex, verifierHex: modPow(SRP_G, x, SRP_N).toString(16) };
}

/** Checks a plain password against a stored verifier (USER_PASSWORD_AUTH, ChangePassword). */
export function passwordMatchesVerifier(
  record: SrpVerifierRecord,
  input: { poolName: string; userId: string; password: string },
): boolean {
  const x = passwordExponent({ ...input, saltHex: record.saltHex });
  const candidate = Buffer.from(paddedHex(modPow(SRP_G, x, SRP_N)), 'hex');
  const stored = Buffer.from(paddedHex(BigInt(`0x${record.verifierHex}`)), 'hex');
  return candidate.length === stored.length && timingSafeEqual(candidate, stored);
}

export interface ServerEphemeral {
  /** Secret b, hex. Never leaves the server. */
  secretHex: string;
  /** B = k·v + g^b mod N, hex, sent as SRP_B. */
  publicHex: string;
}

export function createServerEphemeral(verifierHex: string): ServerEphemeral {
  const v = BigInt(`0x${verifierHex}`);
  for (;;) {
    const b = BigInt(`0x${randomBytes(128).toString('hex')}`) % SRP_N;
    const B = (SRP_K * v + modPow(SRP_G, b, SRP_N)) % SRP_N;
    if (b !== 0n && B !== 0n) return { secretHex: b.toString(16), publicHex: B.toString(16) };
  }
}

/** Parses the client's SRP_A; undefined when it is not hex or A mod N = 0 (which would void the proof). */
export function parseClientPublic(srpAHex: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{1,2048}$/.test(srpAHex)) return undefined;
  const A = BigInt(`0x${srpAHex}`);
  return A % SRP_N === 0n ? undefined : A;
}

/** The 16-byte key both sides derive: HKDF-SHA256(ikm = PAD(S), salt = PAD(u), info = "Caldera Derived Key" 0x01). */
export function deriveSessionKey(input: {
  A: bigint;
  verifierHex: string;
  ephemeral: ServerEphemeral;
}): Buffer {
  const B = BigInt(`0x${input.ephemeral.publicHex}`);
  const u = hashOfHex(paddedHex(input.A) + paddedHex(B));
  if (u === 0n) throw new Error('SRP scrambling parameter is zero');
  const v = BigInt(`0x${input.verifierHex}`);
  const b = BigInt(`0x${input.ephemeral.secretHex}`);
  const S = modPow((input.A * modPow(v, u, SRP_N)) % SRP_N, b, SRP_N);
  const prk = createHmac('sha256', Buffer.from(paddedHex(u), 'hex'))
    .update(Buffer.from(paddedHex(S), 'hex'))
    .digest();
  const info = Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]);
  return createHmac('sha256', prk).update(info).digest().subarray(0, 16);
}

/** PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(key, poolName | userId | secretBlock bytes | timestamp)). */
export function passwordClaimSignature(input: {
  key: Buffer;
  poolName: string;
  userId: string;
  secretBlockBase64: string;
  timestamp: string;
}): string {
  return createHmac('sha256', input.key)
    .update(Buffer.from(input.poolName, 'utf8'))
    .update(Buffer.from(input.userId, 'utf8'))
    .update(Buffer.from(input.secretBlockBase64, 'base64'))
    .update(Buffer.from(input.timestamp, 'utf8'))
    .digest('base64');
}

export function signaturesEqual(expectedBase64: string, receivedBase64: string): boolean {
  const expected = Buffer.from(expectedBase64, 'base64');
  const received = Buffer.from(receivedBase64, 'base64');
  return expected.length === received.length && timingSafeEqual(expected, received);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The TIMESTAMP format clients send: `ddd MMM D HH:mm:ss UTC YYYY`, e.g. "Thu Nov 26 07:04:09 UTC 2026". */
export function formatSrpTimestamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** Milliseconds since the epoch for a well-formed TIMESTAMP, undefined otherwise. */
export function parseSrpTimestamp(text: string): number | undefined {
  const match = /^(\w{3}) (\w{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/.exec(text);
  if (!match) return undefined;
  const [, weekday, month, day, hours, minutes, seconds, year] = match;
  const monthIndex = MONTHS.indexOf(month ?? '');
  if (monthIndex < 0) return undefined;
  const ms = Date.UTC(Number(year), monthIndex, Number(day), Number(hours), Number(minutes), Number(seconds));
  const parsed = new Date(ms);
  // Reject impossible dates (Feb 31) and a weekday that does not belong to the date.
  if (parsed.getUTCDate() !== Number(day) || WEEKDAYS[parsed.getUTCDay()] !== weekday) return undefined;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return undefined;
  return ms;
}

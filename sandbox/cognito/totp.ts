import { createHmac, randomBytes } from 'node:crypto';

/** RFC 6238 TOTP as authenticator apps run it against Cognito: HMAC-SHA1, 30-second steps, 6 digits. */

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const TOTP_STEP_SECONDS = 30;
const DIGITS = 6;

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) output += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return output;
}

/** Decodes base32 (case-insensitive, padding and spaces ignored); undefined for a foreign character. */
export function base32Decode(text: string): Buffer | undefined {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) return undefined;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A fresh shared secret as AssociateSoftwareToken hands it out: 20 random bytes, base32 (32 characters). */
export function createTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

export function timeStep(ms: number): number {
  return Math.floor(ms / 1000 / TOTP_STEP_SECONDS);
}

/** The code for one time step (HOTP over the step counter, RFC 4226 dynamic truncation). */
export function totpCodeForStep(secret: Buffer, step: number, digits = DIGITS): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export function totpCode(secretBase32: string, ms: number): string {
  const secret = base32Decode(secretBase32);
  if (!secret) throw new Error('TOTP secret is not base32');
  return totpCodeForStep(secret, timeStep(ms));
}

/**
 * The time step a code belongs to, allowing one step of drift either side, or undefined when the
 * code matches none of them. The caller uses the step to refuse a code that was already used.
 */
export function matchTotpStep(secretBase32: string, code: string, ms: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const secret = base32Decode(secretBase32);
  if (!secret) return undefined;
  const current = timeStep(ms);
  for (const step of [current, current - 1, current + 1]) {
    if (totpCodeForStep(secret, step) === code) return step;
  }
  return undefined;
}

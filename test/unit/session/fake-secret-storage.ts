import type { SecretStorage } from '../../../src/main/core/session/secret-storage.js';

/**
 * A stand-in for Electron's safeStorage: a reversible transform (XOR with a key stream behind a
 * header), so a test can prove the file holds no plaintext yet decrypts to what was stored. It keeps
 * every plaintext it was given, so a test can look for those secrets where they must not be.
 */
export class FakeSecretStorage implements SecretStorage {
  readonly plaintexts: string[] = [];
  available = true;

  constructor(private readonly key = 0x5a) {}

  isEncryptionAvailable(): boolean {
    return this.available;
  }

  encryptString(plain: string): Buffer {
    if (!this.available) throw new Error('Encryption is not available.');
    this.plaintexts.push(plain);
    const body = Buffer.from(plain, 'utf8');
    for (let index = 0; index < body.length; index++) body[index] = (body[index] ?? 0) ^ this.keyAt(index);
    return Buffer.concat([Buffer.from('FAKEENC1'), body]);
  }

  decryptString(encrypted: Buffer): string {
    if (!this.available) throw new Error('Decryption is not available.');
    if (encrypted.subarray(0, 8).toString('latin1') !== 'FAKEENC1' || encrypted.length < 9) {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    }
    const body = Buffer.from(encrypted.subarray(8));
    for (let index = 0; index < body.length; index++) body[index] = (body[index] ?? 0) ^ this.keyAt(index);
    const text = body.toString('utf8');
    // A wrong key yields bytes that are not the station's JSON; Electron would fail the MAC instead.
    if (!text.startsWith('{'))
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return text;
  }

  /** The refresh token inside the last plaintext stored, for looking for it elsewhere. */
  lastRefreshToken(): string {
    const last = this.plaintexts.at(-1);
    if (!last) throw new Error('nothing was stored');
    const items = (JSON.parse(last) as { items: Record<string, string> }).items;
    const entry = Object.entries(items).find(([key]) => key.endsWith('.refreshToken'));
    if (!entry) throw new Error('no refresh token was stored');
    return entry[1];
  }

  private keyAt(index: number): number {
    return (this.key + index * 31) & 0xff;
  }
}

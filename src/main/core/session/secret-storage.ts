/**
 * The shape of Electron's `safeStorage`, injected so the core stays plain Node: the Electron shell
 * passes `safeStorage` itself, tests pass a stand-in. Where no OS keyring is reachable (a Linux
 * desktop without one, the browser harness) `isEncryptionAvailable()` is false and nothing is stored.
 */
export interface SecretStorage {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

import { safeStorage } from 'electron';
import type { SecretStorage } from '../core/session/secret-storage.js';

/**
 * Electron's safeStorage as the core's SecretStorage. On Linux without a keyring (no Secret Service,
 * no KWallet) Electron still "encrypts" with a fixed, publicly known password (backend basic_text):
 * that is plaintext in disguise, so the station treats it as unavailable and remembers nothing.
 */
export function electronSecretStorage(): SecretStorage {
  return {
    isEncryptionAvailable() {
      if (!safeStorage.isEncryptionAvailable()) return false;
      if (process.platform !== 'linux') return true;
      const backend = safeStorage.getSelectedStorageBackend();
      return backend !== 'basic_text' && backend !== 'unknown';
    },
    encryptString: (plain) => safeStorage.encryptString(plain),
    decryptString: (encrypted) => safeStorage.decryptString(encrypted),
  };
}

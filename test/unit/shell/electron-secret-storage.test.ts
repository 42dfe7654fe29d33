import { beforeEach, describe, expect, it, vi } from 'vitest';

const state = { available: true, backend: 'gnome_libsecret' };

vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => state.available,
    getSelectedStorageBackend: () => state.backend,
    encryptString: (plain: string) => Buffer.from([...Buffer.from(plain)].map((byte) => byte ^ 0x5a)),
    decryptString: (encrypted: Buffer) => Buffer.from([...encrypted].map((byte) => byte ^ 0x5a)).toString(),
  },
}));

const { electronSecretStorage } = await import('../../../src/main/shell/electron-secret-storage.js');

describe('electronSecretStorage', () => {
  beforeEach(() => {
    state.available = true;
    state.backend = 'gnome_libsecret';
  });

  it('uses safeStorage where a real keyring backs it', () => {
    const storage = electronSecretStorage();
    expect(storage.isEncryptionAvailable()).toBe(true);
    expect(storage.decryptString(storage.encryptString('x'))).toBe('x');
  });

  it.runIf(process.platform === 'linux')(
    "refuses Electron's fixed-password fallback on Linux (no keyring): that is plaintext in disguise",
    () => {
      state.backend = 'basic_text';
      expect(electronSecretStorage().isEncryptionAvailable()).toBe(false);
      state.backend = 'unknown';
      expect(electronSecretStorage().isEncryptionAvailable()).toBe(false);
    },
  );

  it('is unavailable when safeStorage says so', () => {
    state.available = false;
    expect(electronSecretStorage().isEncryptionAvailable()).toBe(false);
  });
});

import type { BenchCheckView } from '../../../shared/view-models.js';
import type { SecretStorage } from '../session/secret-storage.js';

const id = 'secret-storage';
const title = 'Remembered sign-in';

/** Whether this station can keep a sign-in across restarts (an OS keyring behind safeStorage): a warning only. */
export function secretStorageCheck(platform: NodeJS.Platform, storage: SecretStorage | null): BenchCheckView {
  let available: boolean;
  try {
    available = storage?.isEncryptionAvailable() ?? false;
  } catch {
    // A keyring that fails to answer is as good as none.
    available = false;
  }
  if (available) {
    return {
      id,
      title,
      status: 'ok',
      summary:
        'The OS keyring is available: an operator stays signed in across restarts, until the sign-in expires.',
      fix: null,
      command: null,
    };
  }
  return {
    id,
    title,
    status: 'warning',
    summary:
      'No OS keyring is available, so this station cannot remember a sign-in: operators sign in each time it starts. Nothing else is affected.',
    fix:
      platform === 'linux'
        ? 'If operators should stay signed in, run the station in a desktop session with a keyring (GNOME Keyring or KWallet) unlocked at login.'
        : 'If operators should stay signed in, start the station from a normal (not remote or service) login, where the OS keyring is unlocked.',
    command: null,
  };
}

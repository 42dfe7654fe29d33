import type { KeyValueStorageInterface } from 'aws-amplify/utils';

/**
 * Amplify's token storage, in this process's memory only. Amplify's default in Node would also be
 * memory, but a shared one; owning it lets the session copy what Amplify needs to resume (tokens,
 * last user, clock drift) into the encrypted file, and load it back after a restart.
 */
export class MemoryTokenStorage implements KeyValueStorageInterface {
  private items = new Map<string, string>();

  setItem(key: string, value: string): Promise<void> {
    this.items.set(key, value);
    return Promise.resolve();
  }

  getItem(key: string): Promise<string | null> {
    return Promise.resolve(this.items.get(key) ?? null);
  }

  removeItem(key: string): Promise<void> {
    this.items.delete(key);
    return Promise.resolve();
  }

  clear(): Promise<void> {
    this.items.clear();
    return Promise.resolve();
  }

  /** Every item, for the encrypted session file. */
  snapshot(): Record<string, string> {
    return Object.fromEntries(this.items);
  }

  /** Replaces everything with a snapshot read back from the session file. */
  load(items: Record<string, string>): void {
    this.items = new Map(Object.entries(items));
  }

  /** Synchronous clear, for dispose(). */
  forget(): void {
    this.items.clear();
  }

  /** The item whose key ends with `.${suffix}` under Amplify's key prefix, e.g. `refreshToken`. */
  find(suffix: string): string | undefined {
    for (const [key, value] of this.items) {
      if (key.startsWith('CognitoIdentityServiceProvider.') && key.endsWith(`.${suffix}`)) return value;
    }
    return undefined;
  }
}

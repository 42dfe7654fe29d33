import { Amplify, type ResourcesConfig } from 'aws-amplify';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';

/** Amplify v6 in Node against Cognito endpoints of our own: no browser storage, nothing kept between files. */

/** Amplify's KeyValueStorageInterface, in memory, so each test file starts signed out. */
export class MemoryKeyValueStorage {
  private readonly items = new Map<string, string>();
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
}

/** Amplify's Cognito settings with both a user pool and an identity pool, as the station uses them. */
export type AmplifyCognitoConfig = Extract<
  NonNullable<ResourcesConfig['Auth']>['Cognito'],
  { userPoolId: string; identityPoolId: string }
>;

/**
 * Amplify.configure with these Cognito settings, then token storage in `storage`: it has to come
 * after configure, which installs Amplify's default (browser) storage. Returns the storage.
 */
export function configureAmplifyInMemory(
  cognito: AmplifyCognitoConfig,
  storage: MemoryKeyValueStorage = new MemoryKeyValueStorage(),
): MemoryKeyValueStorage {
  Amplify.configure({ Auth: { Cognito: cognito } });
  cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
  return storage;
}

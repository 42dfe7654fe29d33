import { Amplify, type ResourcesConfig } from 'aws-amplify';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { MemoryTokenStorage } from '../../src/main/core/session/memory-token-storage.js';

/** Amplify v6 in Node against Cognito endpoints of our own: no browser storage, nothing kept between files. */

/** Amplify's KeyValueStorageInterface in memory (the station's own), so each test file starts signed out. */
export { MemoryTokenStorage as MemoryKeyValueStorage };

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
  storage: MemoryTokenStorage = new MemoryTokenStorage(),
): MemoryTokenStorage {
  Amplify.configure({ Auth: { Cognito: cognito } });
  cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
  return storage;
}

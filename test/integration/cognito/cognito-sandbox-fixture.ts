import {
  InitiateAuthCommand,
  type CognitoIdentityProviderClient,
  type InitiateAuthCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { systemClock, type Clock, type ManualClock } from '../../../sandbox/clock.js';
import { TemporaryCredentialStore } from '../../../sandbox/iam/temporary-credential-store.js';
import type { ServedRequest } from '../../../sandbox/cognito/aws-json-protocol.js';
import { routeToServices } from '../../../sandbox/cognito/cognito-router.js';
import { CognitoIdentityPool } from '../../../sandbox/cognito/identity-pool.js';
import { listenOnLoopback, type LoopbackListener } from '../../../sandbox/loopback-listener.js';
import type { RoleMapping } from '../../../sandbox/cognito/role-mapping.js';
import { CognitoUserPool } from '../../../sandbox/cognito/user-pool.js';
import type { CognitoUserPoolOptions } from '../../../sandbox/cognito/user-pool-options.js';
import type { AmplifyCognitoConfig } from '../../support/amplify-node.js';

export const REGION = 'eu-west-1';
export const USER_POOL_ID = `${REGION}_SandboxPool1`;
export const CLIENT_ID = 'stationclient0123456789abcd';
export const IDENTITY_POOL_ID = `${REGION}:6f1d8f0e-3f43-4c55-9a3e-2b7f0c6a9d10`;
export const INSTALLER_ROLE = 'arn:aws:iam::123456789012:role/StationInstaller';
export const AUTHENTICATED_ROLE = 'arn:aws:iam::123456789012:role/StationSignedIn';
export const PROVIDER_NAME = `cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`;

export const installersRuleMapping: RoleMapping = {
  Type: 'Rules',
  AmbiguousRoleResolution: 'Deny',
  RulesConfiguration: {
    Rules: [{ Claim: 'cognito:groups', MatchType: 'Contains', Value: 'installers', RoleARN: INSTALLER_ROLE }],
  },
};

export interface CognitoSandbox {
  userPool: CognitoUserPool;
  identityPool: CognitoIdentityPool;
  credentials: TemporaryCredentialStore;
  server: LoopbackListener;
  clock: Clock;
  /** Unexpected failures the services reported; a test expects none. */
  internalErrors: unknown[];
  /** What the services reported through onRequest. */
  requests: ServedRequest[];
  close(): Promise<void>;
}

/** A user pool and an identity pool mounted on one loopback server, as the orchestrator will do it. */
export async function startCognitoSandbox(
  options: {
    clock?: ManualClock;
    roleMapping?: RoleMapping | null;
    userPool?: Partial<CognitoUserPoolOptions>;
    authenticatedRoleArn?: string;
  } = {},
): Promise<CognitoSandbox> {
  const clock = options.clock ?? systemClock;
  const internalErrors: unknown[] = [];
  const onInternalError = (error: unknown): void => {
    internalErrors.push(error);
  };
  const requests: ServedRequest[] = [];
  const onRequest = (served: ServedRequest): void => {
    requests.push(served);
  };
  const userPool = await CognitoUserPool.create({
    userPoolId: USER_POOL_ID,
    clients: [{ clientId: CLIENT_ID }],
    clock,
    onInternalError,
    onRequest,
    ...options.userPool,
  });
  const credentials = new TemporaryCredentialStore(clock);
  const mapping = options.roleMapping === undefined ? installersRuleMapping : options.roleMapping;
  const identityPool = new CognitoIdentityPool({
    identityPoolId: IDENTITY_POOL_ID,
    providers: [{ userPool, clientIds: [CLIENT_ID] }],
    authenticatedRoleArn: options.authenticatedRoleArn,
    roleMappings: mapping ? { [`${PROVIDER_NAME}:${CLIENT_ID}`]: mapping } : {},
    credentialStore: credentials,
    clock,
    onInternalError,
    onRequest,
  });
  const server = await listenOnLoopback(routeToServices([userPool, identityPool]));
  return {
    userPool,
    identityPool,
    credentials,
    server,
    clock,
    internalErrors,
    requests,
    close: () => server.close(),
  };
}

/** Amplify's Cognito settings for this sandbox: its pools, both served at its loopback URL. */
export function amplifyCognitoConfig(sandbox: CognitoSandbox): AmplifyCognitoConfig {
  return {
    userPoolId: USER_POOL_ID,
    userPoolClientId: CLIENT_ID,
    identityPoolId: IDENTITY_POOL_ID,
    userPoolEndpoint: sandbox.server.url,
    identityPoolEndpoint: sandbox.server.url,
  };
}

/** InitiateAuth with USER_PASSWORD_AUTH through the SDK client, as it answers (tokens or a challenge). */
export function passwordAuth(
  client: CognitoIdentityProviderClient,
  username: string,
  password: string,
  clientId = CLIENT_ID,
): Promise<InitiateAuthCommandOutput> {
  return client.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
}

/** The name and message of the error a call fails with; throws if it succeeds. */
export async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const { name, message } = error as Error;
    return { name, message };
  }
  throw new Error('expected the call to fail');
}

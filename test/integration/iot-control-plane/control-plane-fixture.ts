import { Sha256 } from '@aws-crypto/sha256-js';
import { IoTClient, IoTServiceException, type IoTClientConfig } from '@aws-sdk/client-iot';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, type Clock } from '../../../sandbox/clock.js';
import type { RoleDefinition } from '../../../sandbox/iam/iam-policy.js';
import {
  TemporaryCredentialStore,
  type IssuedCredentials,
} from '../../../sandbox/iam/temporary-credential-store.js';
import { CertificateAuthority } from '../../../sandbox/iot/certificate-authority.js';
import { listenOnLoopback, type LoopbackListener } from '../../../sandbox/loopback-listener.js';
import {
  IotControlPlane,
  type ControlPlaneLogEntry,
  type IotControlPlaneOptions,
} from '../../../sandbox/iot/control-plane/iot-control-plane.js';
import { IotRegistry } from '../../../sandbox/iot/iot-registry.js';

/** A control plane on loopback with the roles the tests sign in as, and SDK clients for them. */

export const region = 'eu-central-1';
export const accountId = '123456789012';
export const templateName = 'StationTemplate';
export const templateArn = `arn:aws:iot:${region}:${accountId}:provisioningtemplate/${templateName}`;
export const provisioningRoleArn = `arn:aws:iam::${accountId}:role/IoTProvisioningRole`;

export const roles = {
  /** What the station's operators get: claims on the one template and registry reads. */
  installer: {
    roleArn: `arn:aws:iam::${accountId}:role/StationInstaller`,
    policies: [
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'iot:CreateProvisioningClaim', Resource: templateArn },
          {
            Effect: 'Allow',
            Action: ['iot:Describe*', 'iot:List*'],
            Resource: '*',
          },
        ],
      },
    ],
  },
  /** May read but is explicitly denied claims. */
  viewer: {
    roleArn: `arn:aws:iam::${accountId}:role/service-role/StationViewer`,
    policies: [
      {
        Statement: [
          { Effect: 'Allow', Action: 'iot:*', Resource: '*' },
          { Effect: 'Deny', Action: 'iot:createprovisioningclaim', Resource: '*' },
        ],
      },
    ],
  },
  /** Sets the sandbox up: templates, policies, certificate status. */
  admin: {
    roleArn: `arn:aws:iam::${accountId}:role/SandboxAdmin`,
    policies: [{ Statement: { Effect: 'Allow', Action: 'iot:*', Resource: '*' } }],
  },
} satisfies Record<string, RoleDefinition>;

export type RoleName = keyof typeof roles;

export interface Fixture {
  clock: Clock;
  registry: IotRegistry;
  ca: CertificateAuthority;
  credentialStore: TemporaryCredentialStore;
  controlPlane: IotControlPlane;
  running: LoopbackListener;
  log: ControlPlaneLogEntry[];
  issue(role: RoleName, lifetimeSeconds?: number): IssuedCredentials;
  client(
    credentials: IssuedCredentials | RoleName,
    options?: { maxAttempts?: number; region?: string; retryStrategy?: IoTClientConfig['retryStrategy'] },
  ): IoTClient;
  close(): Promise<void>;
}

export interface FixtureOptions extends Partial<
  Pick<IotControlPlaneOptions, 'claimValiditySeconds' | 'throttle' | 'dataEndpointHost'>
> {
  clock?: Clock;
  statePath?: string;
  ca?: CertificateAuthority;
}

let sharedCa: Promise<CertificateAuthority> | undefined;

/** One CA per test file: creating RSA roots is the slow part and the tests do not depend on a fresh one. */
export function sharedCertificateAuthority(clock: Clock): Promise<CertificateAuthority> {
  sharedCa ??= CertificateAuthority.create({ clock });
  return sharedCa;
}

export async function startFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const clock = options.clock ?? new ManualClock(Date.now());
  const registry = new IotRegistry({
    region,
    accountId,
    clock,
    ...(options.statePath ? { statePath: options.statePath } : {}),
  });
  const ca = options.ca ?? (await sharedCertificateAuthority(clock));
  const credentialStore = new TemporaryCredentialStore(clock);
  const log: ControlPlaneLogEntry[] = [];
  const controlPlane = new IotControlPlane({
    registry,
    certificateAuthority: ca,
    credentials: credentialStore,
    roles: Object.values(roles),
    clock,
    dataEndpointHost: options.dataEndpointHost ?? '127.0.0.1',
    throttle: options.throttle ?? { defaultTps: 1000 },
    ...(options.claimValiditySeconds !== undefined
      ? { claimValiditySeconds: options.claimValiditySeconds }
      : {}),
    log: (entry) => log.push(entry),
  });
  const running = await listenOnLoopback((req, res) => void controlPlane.handle(req, res));
  const clients: IoTClient[] = [];
  const fixture: Fixture = {
    clock,
    registry,
    ca,
    credentialStore,
    controlPlane,
    running,
    log,
    issue: (role, lifetimeSeconds = 3600) =>
      credentialStore.issue({
        roleArn: roles[role].roleArn,
        identityId: `${region}:${role}-identity`,
        lifetimeSeconds,
      }),
    client(credentials, clientOptions = {}) {
      const issued = typeof credentials === 'string' ? fixture.issue(credentials) : credentials;
      const client = new IoTClient({
        endpoint: running.url,
        region: clientOptions.region ?? region,
        ...(clientOptions.retryStrategy
          ? { retryStrategy: clientOptions.retryStrategy }
          : { maxAttempts: clientOptions.maxAttempts ?? 1 }),
        credentials: {
          accessKeyId: issued.accessKeyId,
          secretAccessKey: issued.secretAccessKey,
          sessionToken: issued.sessionToken,
        },
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await running.close();
    },
  };
  return fixture;
}

/** A scratch directory removed by the returned cleanup. */
export function scratchDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'iot-control-plane-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export const minimalTemplateBody = JSON.stringify({
  Parameters: { SerialNumber: { Type: 'String' }, 'AWS::IoT::Certificate::Id': { Type: 'String' } },
  Resources: {
    thing: {
      Type: 'AWS::IoT::Thing',
      Properties: { ThingName: { 'Fn::Join': ['', ['dev_', { Ref: 'SerialNumber' }]] } },
    },
    certificate: {
      Type: 'AWS::IoT::Certificate',
      Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
    },
  },
});

/** The error an SDK call failed with (the test fails if it succeeded). */
export async function sdkError(promise: Promise<unknown>): Promise<IoTServiceException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IoTServiceException) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/**
 * A request signed with the SDK's own signer and sent with fetch, for what the SDK client cannot
 * be made to send: a tampered body, an unknown route, no signature.
 */
export async function signedFetch(
  url: string,
  credentials: IssuedCredentials | undefined,
  request: {
    method: string;
    path: string;
    query?: Record<string, string>;
    body?: string;
    tamper?: (body: string) => string;
  },
  signingRegion = region,
): Promise<{ status: number; errorType: string | null; body: unknown }> {
  const target = new URL(request.path, url);
  const headers: Record<string, string> = { host: target.host, 'content-type': 'application/json' };
  let signedHeaders = headers;
  if (credentials) {
    const signer = new SignatureV4({
      service: 'iot',
      region: signingRegion,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken,
      },
      sha256: Sha256,
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: request.method,
        protocol: 'http:',
        hostname: target.hostname,
        port: Number(target.port),
        path: target.pathname,
        query: request.query ?? {},
        headers,
        body: request.body,
      }),
    );
    signedHeaders = signed.headers;
  }
  for (const [key, value] of Object.entries(request.query ?? {})) target.searchParams.set(key, value);
  const body = request.body === undefined ? undefined : (request.tamper ?? ((b: string) => b))(request.body);
  const { host: _host, ...sendHeaders } = signedHeaders;
  const response = await fetch(target, { method: request.method, headers: sendHeaders, body });
  const text = await response.text();
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype'),
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

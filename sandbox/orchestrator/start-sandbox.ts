import { z } from 'zod';
import { regionSchema, type StationProfile } from '../../src/shared/station-profile-schema.js';
import { systemClock, type Clock } from '../clock.js';
import { routeToServices } from '../cognito/cognito-router.js';
import type { ServedRequest } from '../cognito/aws-json-protocol.js';
import { CognitoIdentityPool } from '../cognito/identity-pool.js';
import { listenOnLoopback, type LoopbackListener } from '../loopback-listener.js';
import { CognitoUserPool } from '../cognito/user-pool.js';
import type { MfaConfiguration, TokenLifetimes } from '../cognito/user-pool-options.js';
import type { RoleDefinition } from '../iam/iam-policy.js';
import { TemporaryCredentialStore } from '../iam/temporary-credential-store.js';
import { IotBroker } from '../iot/broker/iot-broker.js';
import type { PreProvisioningHookTarget } from '../iot/fleet-provisioning/pre-provisioning-hook.js';
import { CertificateAuthority } from '../iot/certificate-authority.js';
import { IotControlPlane, type ControlPlaneLogEntry } from '../iot/control-plane/iot-control-plane.js';
import { IotRegistry } from '../iot/iot-registry.js';
import { openDataDir, type OpenedDataDir, type SandboxDataPaths } from './sandbox-data-dir.js';
import {
  sandboxArns,
  sandboxRoles,
  seededUsers,
  seedSandbox,
  stationRoleMapping,
  TEMPLATE_NAME,
  type SeededUsers,
  type SeedOptions,
} from './sandbox-seed.js';
import {
  hookLambdaEnvironment,
  serialNumberHookFunction,
  type SandboxFunction,
  type SerialNumberHookOptions,
} from './serial-number-hook.js';
import { buildSandboxProfile, writeStationProfile } from './station-profile.js';

/**
 * Starts the whole sandbox — Cognito user pool + identity pool, IoT control plane, IoT MQTT broker
 * with Fleet Provisioning — on loopback, sharing one clock, one registry, one CA and one credential
 * store, seeds it, and derives the station profile. Used by the CLI and, in-process, by tests.
 */

export const DEFAULT_REGION = 'eu-west-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';
/** The one app client of the sandbox user pool (the station's). */
export const APP_CLIENT_ID = 'sandboxstationclient00001';

export interface SandboxPorts {
  /** Cognito user pool and identity pool (one HTTP server); 0 = any free port. */
  cognito?: number;
  /** IoT control plane (rest-json over HTTP). */
  controlPlane?: number;
  /** IoT data plane: MQTT over mutual TLS. */
  mqtt?: number;
}

export interface SandboxRates {
  /** MQTT CONNECTs per second per client id (AWS: 1). */
  connectsPerSecondPerClientId?: number;
  /** RegisterThing per second for the broker (default 10). */
  registerThingPerSecond?: number;
  /** Control-plane requests per second per operation (default 10), and per-operation overrides. */
  controlPlaneTps?: number;
  controlPlaneOperations?: Record<string, number>;
}

export interface StartSandboxOptions {
  /** Where state persists (users, registry, CA, signing keys); memory only when omitted. */
  dataDir?: string;
  clock?: Clock;
  /** Loopback only. */
  host?: '127.0.0.1';
  ports?: SandboxPorts;
  /** Seed users, template and policy (default true); missing pieces only, never overwriting. */
  seed?: boolean | SeedOptions;
  region?: string;
  accountId?: string;
  /** Lifetime of CreateProvisioningClaim certificates (AWS: 300 s). */
  claimValiditySeconds?: number;
  /** User pool MFA (default OPTIONAL; ON makes users without TOTP set it up at sign-in) and token lifetimes. */
  userPool?: { mfaConfiguration?: MfaConfiguration; tokenLifetimes?: Partial<TokenLifetimes> };
  /** Lifetime of identity-pool credentials, 900-3600 s (default 3600, as Cognito). */
  credentialLifetimeSeconds?: number;
  rates?: SandboxRates;
  /**
   * The seeded template's pre-provisioning hook runs backend-definition/pre-provisioning-hook.ts with
   * these rules (its Lambda environment); absent: every serial number is allowed.
   */
  serialNumberRules?: SerialNumberHookOptions;
  /**
   * More pre-provisioning hooks by a template's `preProvisioningHook.targetArn`: a function or a
   * loopback URL. One for the seeded hook's ARN replaces the seeded function.
   */
  templateHooks?: Readonly<Record<string, PreProvisioningHookTarget>>;
  /** The profile's display name; "Sandbox (127.0.0.1)" by default. */
  name?: string;
  /** Also write the profile here (the data dir always gets `station-profile.json`). */
  profilePath?: string;
  /** One line per service event (requests, connections, refusals); never keys, tokens or payloads. */
  log?: (line: string) => void;
}

export interface SandboxEndpoints {
  cognito: string;
  controlPlane: string;
  mqtt: { host: string; port: number };
}

export interface RunningSandbox {
  profile: StationProfile;
  /** Where the profile was written (data dir copy first), if anywhere. */
  profilePaths: string[];
  endpoints: SandboxEndpoints;
  /** Absent when running in memory. */
  dataPaths?: SandboxDataPaths;
  region: string;
  accountId: string;
  /** Seeded sign-in material (sandbox-only, fixed and documented). */
  users: SeededUsers;
  /** What the seed created on this start (empty on a restart over a seeded data dir). */
  seeded: string[];
  /** What the seed brought back to the backend definition on this start (a data dir from an older sandbox). */
  seedUpdated: string[];
  /** The Lambda functions the sandbox runs (the seeded template's hook). */
  functions: readonly SandboxFunction[];
  roles: readonly RoleDefinition[];
  arns: ReturnType<typeof sandboxArns>;
  clock: Clock;
  registry: IotRegistry;
  ca: CertificateAuthority;
  credentials: TemporaryCredentialStore;
  userPool: CognitoUserPool;
  identityPool: CognitoIdentityPool;
  controlPlane: IotControlPlane;
  broker: IotBroker;
  /** Stops every server and releases the data dir; safe to call twice. */
  stop(): Promise<void>;
}

const portSchema = z.number().int().min(0).max(65535);
const optionsSchema = z.object({
  dataDir: z.string().min(1).optional(),
  host: z.literal('127.0.0.1', { error: 'the sandbox listens on loopback only (host 127.0.0.1)' }).optional(),
  ports: z
    .object({
      cognito: portSchema.optional(),
      controlPlane: portSchema.optional(),
      mqtt: portSchema.optional(),
    })
    .optional(),
  region: regionSchema.optional(),
  accountId: z
    .string()
    .regex(/^\d{12}$/, 'accountId is 12 digits')
    .optional(),
  claimValiditySeconds: z.number().int().min(1).max(3600).optional(),
  rates: z
    .object({
      connectsPerSecondPerClientId: z.number().positive().optional(),
      registerThingPerSecond: z.number().positive().optional(),
      controlPlaneTps: z.number().positive().optional(),
      controlPlaneOperations: z.record(z.string(), z.number().positive()).optional(),
    })
    .optional(),
  name: z.string().min(1).max(120).optional(),
  profilePath: z.string().min(1).optional(),
});

/** Starts every service; on any failure, whatever already started is stopped again before rethrowing. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const checked = optionsSchema.safeParse(options);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new Error(`startSandbox: ${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'invalid'}`);
  }
  const region = options.region ?? DEFAULT_REGION;
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => {});
  const seed = options.seed ?? true;
  // Checked before anything starts: a bad pattern would otherwise refuse every device.
  let hookFunction: SandboxFunction;
  try {
    hookFunction = serialNumberHookFunction(
      sandboxArns(region, accountId).preProvisioningHook,
      hookLambdaEnvironment(options.serialNumberRules),
    );
  } catch (error) {
    throw new Error(`startSandbox: serialNumberRules: ${describeError(error)}`, { cause: error });
  }

  const cleanups: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    // Reverse order: servers first, the data dir lock last.
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`sandbox: stopping: ${describeError(error)}`);
      }
    }
  };

  try {
    let dataDir: OpenedDataDir | undefined;
    if (options.dataDir !== undefined) {
      dataDir = openDataDir(options.dataDir, { region, accountId });
      cleanups.push(() => dataDir?.release());
    }
    const paths = dataDir?.paths;

    const ca = await CertificateAuthority.create({ clock, ...(paths ? { dataDir: paths.dir } : {}) });
    const registry = new IotRegistry({
      region,
      accountId,
      clock,
      ...(paths ? { statePath: paths.registry } : {}),
    });
    const userPool = await CognitoUserPool.create({
      userPoolId: `${region}_StationSandbox`,
      clients: [{ clientId: APP_CLIENT_ID }],
      clock,
      ...(paths ? { statePath: paths.userPool } : {}),
      mfaConfiguration: options.userPool?.mfaConfiguration,
      tokenLifetimes: options.userPool?.tokenLifetimes,
      onInternalError: (error) => log(`cognito: internal error: ${describeError(error)}`),
      onRequest: (served) => log(`cognito: ${formatCognitoRequest(served)}`),
    });
    const credentials = new TemporaryCredentialStore(clock);
    const arns = sandboxArns(region, accountId);
    const identityPool = new CognitoIdentityPool({
      identityPoolId: `${region}:5a1db0c5-0000-4000-8000-57a7105a1db0`,
      providers: [{ userPool, clientIds: [APP_CLIENT_ID] }],
      authenticatedRoleArn: arns.signedInRole,
      roleMappings: {
        [`${userPool.providerName}:${APP_CLIENT_ID}`]: stationRoleMapping(),
      },
      credentialStore: credentials,
      credentialLifetimeSeconds: options.credentialLifetimeSeconds,
      clock,
      ...(paths ? { statePath: paths.identityPool } : {}),
      onInternalError: (error) => log(`cognito: internal error: ${describeError(error)}`),
      onRequest: (served) => log(`cognito: ${formatCognitoRequest(served)}`),
    });

    const report =
      seed === false
        ? { created: [], updated: [] }
        : seedSandbox({ userPool, registry, region, accountId, options: seed === true ? {} : seed });

    const broker = new IotBroker({
      registry,
      ca,
      clock,
      host,
      port: options.ports?.mqtt ?? 0,
      log: (line) => log(`mqtt: ${line}`),
      rates: options.rates,
      templateHooks: { [hookFunction.functionArn]: hookFunction.invoke, ...options.templateHooks },
    });
    const mqttAddress = await broker.start();
    cleanups.push(() => broker.stop());
    // The profile carries the port (devices are told it); DescribeEndpoint answers the host alone, as AWS does.
    const dataEndpoint = `${mqttAddress.host}:${mqttAddress.port}`;

    const roles = sandboxRoles(region, accountId);
    const controlPlane = new IotControlPlane({
      registry,
      certificateAuthority: ca,
      credentials,
      roles,
      clock,
      dataEndpointHost: mqttAddress.host,
      // Both take an absent value as their default.
      claimValiditySeconds: options.claimValiditySeconds,
      throttle: {
        defaultTps: options.rates?.controlPlaneTps,
        operations: options.rates?.controlPlaneOperations,
      },
      log: (entry) => log(`iot: ${formatControlPlaneEntry(entry)}`),
    });
    const controlPlaneServer: LoopbackListener = await listenOnLoopback(
      (req, res) => void controlPlane.handle(req, res),
      { host, port: options.ports?.controlPlane ?? 0 },
    );
    cleanups.push(() => controlPlaneServer.close());

    const cognitoServer: LoopbackListener = await listenOnLoopback(
      routeToServices([userPool, identityPool]),
      { host, port: options.ports?.cognito ?? 0 },
    );
    cleanups.push(() => cognitoServer.close());

    const profile = buildSandboxProfile({
      name: options.name ?? `Sandbox (${host})`,
      region,
      userPoolId: userPool.userPoolId,
      userPoolClientId: APP_CLIENT_ID,
      identityPoolId: identityPool.identityPoolId,
      cognitoEndpoint: cognitoServer.url,
      controlPlaneEndpoint: controlPlaneServer.url,
      dataEndpoint,
      templateName: TEMPLATE_NAME,
      caCertificatePem: ca.caCertificatePem,
    });
    const profilePaths: string[] = [];
    if (paths) profilePaths.push(writeStationProfile(profile, paths.profile));
    if (options.profilePath !== undefined)
      profilePaths.push(writeStationProfile(profile, options.profilePath));

    let stopped: Promise<void> | undefined;
    return {
      profile,
      profilePaths,
      endpoints: { cognito: cognitoServer.url, controlPlane: controlPlaneServer.url, mqtt: mqttAddress },
      ...(paths ? { dataPaths: paths } : {}),
      region,
      accountId,
      users: seededUsers,
      seeded: report.created,
      seedUpdated: report.updated,
      functions: [hookFunction],
      roles,
      arns,
      clock,
      registry,
      ca,
      credentials,
      userPool,
      identityPool,
      controlPlane,
      broker,
      stop: () => (stopped ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    if (isAddressInUse(error)) {
      throw new Error(
        `A sandbox port is already in use (${(error as NodeJS.ErrnoException & { port?: number }).port ?? '?'}): ` +
          'stop whatever listens there or pick other ports (CLI: --port-base N).',
        { cause: error },
      );
    }
    throw error;
  }
}

function formatCognitoRequest(served: ServedRequest): string {
  const error = served.errorType ? ` ${served.errorType}` : '';
  return `${served.operation ?? '(no operation)'} → ${served.statusCode}${error} (${served.durationMs} ms)`;
}

function formatControlPlaneEntry(entry: ControlPlaneLogEntry): string {
  const role = entry.roleArn ? ` as ${entry.roleArn.slice(entry.roleArn.lastIndexOf('/') + 1)}` : '';
  const error = entry.errorCode ? ` ${entry.errorCode}: ${entry.errorMessage ?? ''}` : '';
  return `${entry.operation ?? `${entry.method} ${entry.path}`}${role} → ${entry.status}${error} (${entry.durationMs} ms)`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

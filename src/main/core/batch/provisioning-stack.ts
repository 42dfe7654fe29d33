import { join } from 'node:path';
import type { StationProfile } from '../../../shared/station-profile-schema.js';
import { AwsCallGovernor } from '../aws/aws-call-governor.js';
import { createIotClient, type AwsCredentialIdentityProvider } from '../aws/iot-client.js';
import type { IotOperationName } from '../aws/iot-operation-names.js';
import { IotRegistryClient } from '../aws/iot-registry-client.js';
import { ClaimManager } from '../claims/claim-manager.js';
import { claimDestinationFor } from '../claims/claim-destination.js';
import { DeviceLink } from '../device-link/device-link.js';
import { Journal } from '../journal/journal.js';
import type { LinkOpener } from '../provisioning/engine-ports.js';
import type { RunPhase } from '../provisioning/run-state.js';
import { systemClock, type Clock, type RandomSource } from '../time/clock.js';
import { BatchEngine, type OperatorFacts } from './batch-engine.js';

export interface ProvisioningStackOptions {
  profile: StationProfile;
  /** The operator session's identity-pool credentials (refreshed by the session). */
  credentials: AwsCredentialIdentityProvider;
  operator: () => OperatorFacts | undefined;
  /** The journal lives here (journal.sqlite). */
  dataDirectory: string;
  stationId: string;
  log: (line: string) => void;
  clock?: Clock;
  random?: RandomSource;
  baudRate?: number;
  /** Tests and benchmarks: a faster or slower world. */
  ratesPerSecond?: Partial<Record<IotOperationName, number>>;
  minClaimValidityMs?: number;
  timeouts?: Partial<Record<RunPhase, number>>;
  linkTimeoutScale?: number;
  openLink?: LinkOpener;
}

export interface ProvisioningStack {
  engine: BatchEngine;
  registry: IotRegistryClient;
  claims: ClaimManager;
  governor: AwsCallGovernor;
  journal: Journal;
  close(): Promise<void>;
}

/**
 * Builds the engine from its real parts for one profile: one governor for every AWS call, the
 * registry client and claim manager on the operator's credentials, the journal, serial links.
 * The same assembly serves the sandbox and AWS: only the profile differs.
 */
export function createProvisioningStack(options: ProvisioningStackOptions): ProvisioningStack {
  const clock = options.clock ?? systemClock;
  const governor = new AwsCallGovernor({
    clock,
    random: options.random ?? Math.random,
    ...(options.ratesPerSecond ? { ratesPerSecond: options.ratesPerSecond } : {}),
    log: options.log,
  });
  const client = createIotClient(options.profile, options.credentials);
  const registry = new IotRegistryClient(client, governor);
  const destination = claimDestinationFor(options.profile.iot);
  const claims = new ClaimManager({
    source: registry,
    clock,
    endpoint: destination.endpoint,
    rootCaPem: destination.rootCaPem,
    ...(options.minClaimValidityMs !== undefined ? { minValidityMs: options.minClaimValidityMs } : {}),
    log: options.log,
  });
  const journal = Journal.open(join(options.dataDirectory, 'journal.sqlite'));
  const baudRate = options.baudRate ?? 115_200;
  const openLink: LinkOpener =
    options.openLink ??
    ((path) =>
      DeviceLink.open(path, {
        baudRate,
        ...(options.linkTimeoutScale ? { timeoutScale: options.linkTimeoutScale } : {}),
      }));
  const engine = new BatchEngine({
    journal,
    clock,
    stationId: options.stationId,
    openLink,
    claims: () => claims,
    registry: () => registry,
    operator: options.operator,
    log: options.log,
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
  });
  return {
    engine,
    registry,
    claims,
    governor,
    journal,
    async close() {
      await engine.stop();
      claims.wipeAll();
      client.destroy();
      journal.close();
    },
  };
}

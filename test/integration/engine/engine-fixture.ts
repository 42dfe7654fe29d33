import { decodeJwt } from 'jose';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceFleet } from '../../../sandbox/devices/device-fleet.js';
import { signInWithPassword } from '../../../sandbox/orchestrator/installer-claim.js';
import type { FaultSpec } from '../../../sandbox/devices/device-faults.js';
import {
  startSandbox,
  type RunningSandbox,
  type StartSandboxOptions,
} from '../../../sandbox/orchestrator/start-sandbox.js';
import type { SimulatedDevice } from '../../../sandbox/devices/simulated-device.js';
import type { AwsCredentialIdentityProvider } from '../../../src/main/core/aws/iot-client.js';
import type { StationProfile } from '../../../src/shared/station-profile-schema.js';
import type { EngineChange } from '../../../src/shared/view-models.js';
import {
  createProvisioningStack,
  type ProvisioningStack,
  type ProvisioningStackOptions,
} from '../../../src/main/core/batch/provisioning-stack.js';
import type { OperatorFacts } from '../../../src/main/core/batch/batch-engine.js';

/** The station id every rig's stack records on Things and audit rows. */
export const STATION_ID = 'bench-test-1';

/** A line rate real boards use too (CP210x/CH340 at 460 800): claim delivery takes ~0.1 s, not ~0.4. */
export const FAST_BAUD = 460_800;

/**
 * The engine on real parts: the sandbox on loopback, simulated devices on pseudo-terminals running
 * Fleet Provisioning over MQTT, the real journal, registry client, claim manager and device links.
 * The operator's credentials come from the sandbox's Cognito exactly as the identity pool gives them.
 */
export interface EngineRig {
  sandbox: RunningSandbox;
  fleet: DeviceFleet;
  stack: ProvisioningStack;
  dataDirectory: string;
  /** The rig's temporary folder (devices, station data); removed by dispose(). */
  root: string;
  /** The profile the station runs on (the sandbox's, or what `profile` made of it). */
  profile: StationProfile;
  credentials: AwsCredentialIdentityProvider;
  operator: OperatorFacts;
  logs: string[];
  /** Every line the sandbox logged (requests, connections, RegisterThing outcomes). */
  sandboxLog: string[];
  changes: EngineChange[];
  /** Tells the engine about the fleet's ports, as discovery would. */
  plugAll(): void;
  /** Tells the engine about some devices' ports (discovery saw them appear). */
  plug(devices: readonly SimulatedDevice[]): void;
  /** The device whose serial number this is. */
  device(serialNumber: string): SimulatedDevice;
  /**
   * Builds a (new) stack on the rig's data directory, as a restarted station would, and makes it
   * `stack`; an earlier one is closed first.
   */
  openStack(overrides?: Partial<ProvisioningStackOptions>): Promise<ProvisioningStack>;
  dispose(): Promise<void>;
}

/** Signs in through the sandbox's Cognito (user pool, then identity pool) and returns the IAM credentials. */
export async function signInAsInstaller(
  sandbox: Pick<RunningSandbox, 'profile' | 'users'>,
  user: { username: string; password: string } = sandbox.users.installer,
): Promise<{ credentials: AwsCredentialIdentityProvider; operator: OperatorFacts }> {
  const { idToken, credentials } = await signInWithPassword(sandbox.profile, user);
  const sub = String(decodeJwt(idToken).sub);
  return { credentials: () => Promise.resolve(credentials), operator: { username: user.username, sub } };
}

export async function startEngineRig(options: {
  devices: number;
  seed?: number;
  faults?: FaultSpec[];
  modes?: ('csr' | 'keys')[];
  sandbox?: StartSandboxOptions;
  stack?: Partial<ProvisioningStackOptions>;
  dataDirectory?: string;
  /** Who signs in (default the seeded installer). */
  user?: { username: string; password: string };
  /** What the station is given instead of the sandbox's own profile (e.g. a proxied endpoint). */
  profile?: (sandboxProfile: StationProfile) => StationProfile | Promise<StationProfile>;
  /** Build no stack (a test that runs the station elsewhere, e.g. in a child process). */
  noStack?: boolean;
  /** The serial line rate of devices and links (default 115 200). */
  baudRate?: number;
}): Promise<EngineRig> {
  const root = mkdtempSync(join(tmpdir(), 'engine-rig-'));
  const dataDirectory = options.dataDirectory ?? join(root, 'station');
  const sandboxLog: string[] = [];
  const sandbox = await startSandbox({
    ports: { cognito: 0, controlPlane: 0, mqtt: 0 },
    ...options.sandbox,
    log: (line) => {
      sandboxLog.push(line);
      options.sandbox?.log?.(line);
    },
  });
  const fleet = await DeviceFleet.start({
    count: options.devices,
    seed: options.seed ?? 7,
    baudRate: options.baudRate ?? 115_200,
    dir: join(root, 'devices'),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.modes ? { modes: options.modes } : {}),
  });
  const { credentials, operator } = await signInAsInstaller(sandbox, options.user);
  const profile = options.profile ? await options.profile(sandbox.profile) : sandbox.profile;
  const logs: string[] = [];
  const changes: EngineChange[] = [];
  const build = (overrides: Partial<ProvisioningStackOptions> = {}) => {
    const built = createProvisioningStack({
      profile,
      credentials,
      operator: () => operator,
      dataDirectory,
      stationId: STATION_ID,
      log: (line) => logs.push(line),
      ...(options.baudRate ? { baudRate: options.baudRate } : {}),
      ...options.stack,
      ...overrides,
    });
    built.engine.on('changed', (change) => changes.push(change));
    return built;
  };
  let stack = options.noStack ? undefined : build();
  const plug = (devices: readonly SimulatedDevice[]) => {
    if (!stack) throw new Error('this rig has no stack yet (openStack)');
    stack.engine.portsChanged(
      devices.map((device) => ({ path: device.info.path, location: null })),
      [],
    );
  };
  return {
    sandbox,
    fleet,
    // A rig without a stack is only used through its sandbox and fleet until openStack().
    get stack() {
      return stack as ProvisioningStack;
    },
    dataDirectory,
    root,
    profile,
    credentials,
    operator,
    logs,
    sandboxLog,
    changes,
    plugAll: () => plug(fleet.devices),
    plug,
    device(serialNumber) {
      const found = fleet.devices.find((device) => device.info.serialNumber === serialNumber);
      if (!found) throw new Error(`no simulated device ${serialNumber}`);
      return found;
    },
    async openStack(overrides) {
      await stack?.close();
      stack = build(overrides);
      return stack;
    },
    async dispose() {
      await stack?.close();
      await fleet.stop();
      await sandbox.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Waits until `predicate` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Discovery, as the station's would see it: polls the devices' port paths and tells the engine
 * when one disappears or appears (a pulled cable, a device that re-enumerates).
 */
export function watchPorts(
  engine: { portsChanged(added: { path: string; location: string | null }[], removed: string[]): void },
  devices: readonly SimulatedDevice[],
  intervalMs = 10,
): { stop(): void; changes: { path: string; present: boolean; at: number }[] } {
  const present = new Map(devices.map((device) => [device.info.path, false]));
  const changes: { path: string; present: boolean; at: number }[] = [];
  const poll = () => {
    const added: { path: string; location: string | null }[] = [];
    const removed: string[] = [];
    for (const [path, was] of present) {
      const now = existsSync(path);
      if (now === was) continue;
      present.set(path, now);
      changes.push({ path, present: now, at: Date.now() });
      if (now) added.push({ path, location: null });
      else removed.push(path);
    }
    if (added.length > 0 || removed.length > 0) engine.portsChanged(added, removed);
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  return { stop: () => clearInterval(timer), changes };
}

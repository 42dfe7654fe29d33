import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StationProfile } from '../../src/shared/station-profile-schema.js';
import type { FaultSpec } from '../devices/device-faults.js';
import { DeviceFleet } from '../devices/device-fleet.js';
import type { SeededUsers } from './sandbox-seed.js';
import type { SerialNumberHookOptions } from './serial-number-hook.js';
import { startSandbox, type RunningSandbox } from './start-sandbox.js';

/**
 * The station's default bench when no AWS profile is configured: the whole sandbox on loopback
 * (free ports) and a few simulated devices on pseudo-terminals, both kept under one data folder so
 * users, the registry and the devices' flash survive a restart (a device provisioned once asks for
 * re-provision confirmation the next time).
 */

export const EMBEDDED_SANDBOX_NAME = 'Sandbox (embedded)';

export interface EmbeddedBenchOptions {
  /** Holds `sandbox/` (users, registry, CA) and `devices/` (ptys, flash, manifest). */
  dataDir: string;
  /** Simulated devices to plug in; 0 starts the sandbox with an empty, watched device folder. */
  deviceCount?: number;
  /** Serial numbers follow from it: keep it fixed so the same devices come back after a restart. */
  seed?: number;
  baudRate?: number;
  faults?: FaultSpec[];
  /** How long a device with unplug-mid-transfer stays unplugged. */
  unplugMs?: number;
  /** The sandbox's request log (never keys, tokens or payloads). */
  log?: (line: string) => void;
  /** Rules of the seeded pre-provisioning hook; absent: every serial number is allowed. */
  serialNumberRules?: SerialNumberHookOptions;
}

export interface EmbeddedBench {
  profile: StationProfile;
  /** Glob the station watches for the simulated devices. */
  portPatterns: string[];
  /** The seeded sign-in material (sandbox-only, documented). */
  users: SeededUsers;
  devicesDir: string;
  sandbox: RunningSandbox;
  fleet: DeviceFleet;
  /** Devices first (they talk to the broker), then the sandbox; safe to call twice. */
  stop(): Promise<void>;
}

export const DEFAULT_EMBEDDED_SEED = 1;

export async function startEmbeddedBench(options: EmbeddedBenchOptions): Promise<EmbeddedBench> {
  const dataDir = resolve(options.dataDir);
  const devicesDir = join(dataDir, 'devices');
  mkdirSync(devicesDir, { recursive: true, mode: 0o700 });
  const sandbox = await startSandbox({
    dataDir: join(dataDir, 'sandbox'),
    host: '127.0.0.1',
    ports: { cognito: 0, controlPlane: 0, mqtt: 0 },
    name: EMBEDDED_SANDBOX_NAME,
    ...(options.log ? { log: options.log } : {}),
    ...(options.serialNumberRules ? { serialNumberRules: options.serialNumberRules } : {}),
  });
  let fleet: DeviceFleet;
  try {
    fleet = await DeviceFleet.start({
      count: options.deviceCount ?? 3,
      seed: options.seed ?? DEFAULT_EMBEDDED_SEED,
      baudRate: options.baudRate ?? 115_200,
      dir: devicesDir,
      ...(options.faults ? { faults: options.faults } : {}),
      ...(options.unplugMs !== undefined ? { unplugMs: options.unplugMs } : {}),
    });
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  const stopBoth = async () => {
    try {
      await fleet.stop();
    } finally {
      await sandbox.stop();
    }
  };
  return {
    profile: sandbox.profile,
    portPatterns: [join(devicesDir, 'tty-*')],
    users: sandbox.users,
    devicesDir,
    sandbox,
    fleet,
    stop: () => (stopped ??= stopBoth()),
  };
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseFault } from '../../../../sandbox/devices/device-faults.js';
import { DeviceFleet } from '../../../../sandbox/devices/device-fleet.js';
import { INSTALLERS_GROUP } from '../../../../sandbox/orchestrator/sandbox-seed.js';
import { startSandbox, type RunningSandbox } from '../../../../sandbox/orchestrator/start-sandbox.js';

/**
 * A bench the spec controls from its own process: the sandbox (so it can read the registry, add
 * users, turn MFA on) and a fleet of simulated devices (so it can choose faults and unplug or plug
 * a device). The station is then started on the sandbox's profile file and the fleet's ports.
 */
export interface TestBenchOptions {
  /** Everything lives below it: sandbox/, devices/ and station-profile.json. */
  directory: string;
  /** User pool MFA; 'ON' makes a user without TOTP set it up at sign-in. */
  mfa?: 'ON' | 'OPTIONAL' | 'OFF';
  devices: number;
  /** Serial numbers follow from it (SIM<seed>-001…). */
  seed?: number;
  /** `name@index` as serve.ts takes them. */
  faults?: string[];
  unplugMs?: number;
  /** The profile's display name. */
  name?: string;
}

export interface TestBench {
  sandbox: RunningSandbox;
  fleet: DeviceFleet;
  /** The profile file to start the station with (`--profile`). */
  profilePath: string;
  devicesDirectory: string;
  /** Glob of the fleet's station-side ports (`--ports`). */
  portPattern: string;
  /** Adds a user who must choose a new password at first sign-in, in the installers group when asked. */
  addUser(input: { username: string; temporaryPassword: string; installer: boolean }): void;
  /** A second fleet on the same ports folder (e.g. the same devices after a restart). */
  restartFleet(options?: { faults?: string[]; unplugMs?: number }): Promise<DeviceFleet>;
  stop(): Promise<void>;
}

export async function startTestBench(options: TestBenchOptions): Promise<TestBench> {
  const devicesDirectory = join(options.directory, 'devices');
  mkdirSync(devicesDirectory, { recursive: true, mode: 0o700 });
  const profilePath = join(options.directory, 'station-profile.json');
  const sandbox = await startSandbox({
    dataDir: join(options.directory, 'sandbox'),
    ports: { cognito: 0, controlPlane: 0, mqtt: 0 },
    userPool: { mfaConfiguration: options.mfa ?? 'OPTIONAL' },
    name: options.name ?? 'Sandbox (e2e)',
    profilePath,
  });
  const startFleet = (faults: string[] | undefined, unplugMs: number | undefined) =>
    DeviceFleet.start({
      count: options.devices,
      seed: options.seed ?? 1,
      baudRate: 115_200,
      dir: devicesDirectory,
      faults: (faults ?? []).map(parseFault),
      ...(unplugMs !== undefined ? { unplugMs } : {}),
    });
  let fleet: DeviceFleet;
  try {
    fleet = await startFleet(options.faults, options.unplugMs);
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  const bench: TestBench = {
    sandbox,
    get fleet() {
      return fleet;
    },
    profilePath,
    devicesDirectory,
    portPattern: join(devicesDirectory, 'tty-*'),
    addUser({ username, temporaryPassword, installer }) {
      sandbox.userPool.createUser({ username, temporaryPassword });
      if (installer) sandbox.userPool.addUserToGroup(username, INSTALLERS_GROUP);
    },
    async restartFleet(next = {}) {
      await fleet.stop();
      fleet = await startFleet(next.faults, next.unplugMs);
      return fleet;
    },
    stop: () =>
      (stopped ??= (async () => {
        try {
          await fleet.stop();
        } finally {
          await sandbox.stop();
        }
      })()),
  };
  return bench;
}

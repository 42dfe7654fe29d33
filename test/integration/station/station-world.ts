import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { format } from 'node:util';
import { vi } from 'vitest';
import type { FaultSpec } from '../../../sandbox/devices/device-faults.js';
import { DeviceFleet } from '../../../sandbox/devices/device-fleet.js';
import type { SimulatedDevice } from '../../../sandbox/devices/simulated-device.js';
import {
  startSandbox,
  type RunningSandbox,
  type StartSandboxOptions,
} from '../../../sandbox/orchestrator/start-sandbox.js';
import type { ProvisioningMode } from '../../../src/main/core/device-link/protocol-constants.js';
import { StationCore } from '../../../src/main/core/station-core.js';
import type { Clock } from '../../../src/main/core/time/clock.js';
import type { RunView } from '../../../src/shared/view-models.js';
import { latestRunViews, RecordingIpcTransport } from '../../support/recording-ipc-transport.js';
import { captureSandboxSecrets, type SandboxSecretCapture } from '../../support/sandbox-secret-capture.js';
import { payloadHaystacks, type Haystack, type Secret } from '../../support/secret-search.js';
import { FAST_BAUD } from '../engine/engine-fixture.js';

/**
 * The whole station as the renderer meets it: a real StationCore (plain Node, no safeStorage) on
 * the in-process sandbox, with simulated devices on pseudo-terminals that discovery finds by itself
 * through glob patterns, and a recording transport standing in for Electron's IPC. Everything that
 * leaves the core — messages, log lines, console output, files in its data folder — can be searched
 * for the secrets the sandbox handed out, which are captured at their source.
 */

export const STATION_ID = 'station-ipc-test';

export interface FleetSpec {
  seed: number;
  count: number;
  modes?: ProvisioningMode[];
  faults?: FaultSpec[];
  /** Plugged in only when plugLater() is called: its folder is watched from the start, empty. */
  later?: boolean;
}

export interface StationWorld {
  sandbox: RunningSandbox;
  capture: SandboxSecretCapture;
  /** Every simulated device plugged in so far. */
  readonly devices: SimulatedDevice[];
  /** Starts the fleets marked `later`, in their watched folders: discovery finds them by polling. */
  plugLater(): Promise<SimulatedDevice[]>;
  /** The glob patterns the station was started with, one per fleet folder. */
  portPatterns: string[];
  core: StationCore;
  transport: RecordingIpcTransport;
  /** Every line the core wrote to its log sink. */
  logs: string[];
  /** Everything written to the console while the world ran (Amplify, the SDK, stray prints). */
  consoleLines: string[];
  dataDirectory: string;
  /** Lines the sandbox logged (requests and their outcomes; never secrets). */
  sandboxLog: string[];
  /** The latest view of each run, from every batch.changed event and batch response so far. */
  runs(): Map<string, RunView>;
  waitForRuns(accept: (runs: RunView[]) => boolean, what: string, timeoutMs?: number): Promise<RunView[]>;
  device(serialNumber: string): SimulatedDevice;
  /** Every secret of the run: the sandbox's, the devices' permanent keys, the passwords used. */
  secrets(): Secret[];
  /** Every message to the renderer, log and console line, and every file of the data folder. */
  haystacks(): Haystack[];
  /** Stops the core (journal closed, session disposed); idempotent. */
  stopCore(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startStationWorld(options: {
  fleets: FleetSpec[];
  sandbox?: Omit<StartSandboxOptions, 'ports' | 'log'>;
  clock?: Clock;
}): Promise<StationWorld> {
  const root = mkdtempSync(join(tmpdir(), 'station-world-'));
  const dataDirectory = join(root, 'station');
  mkdirSync(dataDirectory);
  const consoleLines: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(`console.${method}: ${format(...args)}`);
    }),
  );
  const sandboxLog: string[] = [];
  const fleets: DeviceFleet[] = [];
  let sandbox: RunningSandbox | undefined;
  let core: StationCore | undefined;
  const cleanUp = async () => {
    await core?.stop();
    await Promise.all(fleets.map((fleet) => fleet.stop()));
    await sandbox?.stop();
    for (const spy of spies) spy.mockRestore();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    sandbox = await startSandbox({
      ...options.sandbox,
      ports: { cognito: 0, controlPlane: 0, mqtt: 0 },
      log: (line) => sandboxLog.push(line),
    });
    const capture = captureSandboxSecrets(sandbox);
    const portPatterns: string[] = [];
    const plug = async (spec: FleetSpec, dir: string) => {
      const fleet = await DeviceFleet.start({
        count: spec.count,
        seed: spec.seed,
        baudRate: FAST_BAUD,
        dir,
        ...(spec.modes ? { modes: spec.modes } : {}),
        ...(spec.faults ? { faults: spec.faults } : {}),
      });
      fleets.push(fleet);
      return fleet.devices;
    };
    const pending: { spec: FleetSpec; dir: string }[] = [];
    for (const [index, spec] of options.fleets.entries()) {
      const dir = join(root, `devices-${index + 1}`);
      mkdirSync(dir);
      portPatterns.push(join(dir, 'tty-*'));
      if (spec.later) pending.push({ spec, dir });
      else await plug(spec, dir);
    }
    const devices = () => fleets.flatMap((fleet) => fleet.devices);
    const logs: string[] = [];
    const transport = new RecordingIpcTransport();
    const started = new StationCore({
      appName: 'Provisioning Station',
      appVersion: '0.0.0-test',
      runtime: { electron: null, chrome: null, node: process.versions.node },
      profile: sandbox.profile,
      dataDirectory,
      secretStorage: null,
      stationId: STATION_ID,
      fixedPortPatterns: portPatterns,
      listSystemPorts: () => Promise.resolve([]),
      pollIntervalMs: 50,
      useUsbHotplug: false,
      ...(options.clock ? { clock: options.clock } : {}),
      log: (line) => logs.push(line),
    });
    core = started;
    started.connect(transport, (sender) => sender.id === transport.sender.id);
    await started.start();

    const runs = () => latestRunViews(transport);
    let stopped: Promise<void> | undefined;
    const world: StationWorld = {
      sandbox,
      capture,
      get devices() {
        return devices();
      },
      async plugLater() {
        const plugged: SimulatedDevice[] = [];
        for (const { spec, dir } of pending.splice(0)) plugged.push(...(await plug(spec, dir)));
        return plugged;
      },
      portPatterns,
      core: started,
      transport,
      logs,
      consoleLines,
      dataDirectory,
      sandboxLog,
      runs,
      async waitForRuns(accept, what, timeoutMs = 20_000) {
        // performance.now: a test may move `Date` (tokens-expire-mid-batch).
        const deadline = performance.now() + timeoutMs;
        for (;;) {
          const current = [...runs().values()];
          if (accept(current)) return current;
          if (performance.now() > deadline) {
            const phases = current.map((run) => `${run.serialNumber ?? run.runId}: ${run.phase}`).join(', ');
            throw new Error(`timed out waiting for ${what} (runs: ${phases || 'none'})`);
          }
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      },
      device(serialNumber) {
        const found = devices().find((device) => device.info.serialNumber === serialNumber);
        if (!found) throw new Error(`no simulated device ${serialNumber}`);
        return found;
      },
      secrets() {
        const secrets = capture.secrets();
        for (const device of devices()) {
          const identity = device.store.load();
          if (identity) {
            secrets.push({
              kind: 'private-key',
              label: `permanent private key of ${device.info.serialNumber} (${device.info.modes.join('/')})`,
              pem: identity.privateKeyPem,
            });
          }
        }
        // The seeded users' passwords and TOTP secret: typed into the station or known to it.
        for (const [name, user] of Object.entries(sandbox?.users ?? {})) {
          for (const [field, value] of Object.entries(user)) {
            if (field !== 'username')
              secrets.push({ kind: 'token', label: `${field} of ${name}`, text: value });
          }
        }
        return secrets;
      },
      haystacks() {
        const found: Haystack[] = [];
        for (const message of transport.messages) {
          found.push(
            ...payloadHaystacks(`${message.kind} ${message.channel} #${message.seq}`, message.payload),
          );
        }
        logs.forEach((line, index) => found.push({ where: `core log line ${index + 1}`, text: line }));
        consoleLines.forEach((line, index) => found.push({ where: `console line ${index + 1}`, text: line }));
        for (const path of filesUnder(dataDirectory)) {
          const name = relative(dataDirectory, path);
          found.push({ where: `data file ${name} (name)`, text: name });
          found.push({ where: `data file ${name}`, text: readFileSync(path).toString('latin1') });
        }
        return found;
      },
      stopCore: () => (stopped ??= started.stop()),
      async dispose() {
        await world.stopCore();
        core = undefined;
        await cleanUp();
      },
    };
    return world;
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Every regular file below `folder`, depth first. */
export function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EmbeddedSandbox } from '../../src/main/core/embedded-sandbox.js';
import { loadProfileFile } from '../../src/main/core/station-profile.js';
import { parseFault, type FaultSpec } from '../../sandbox/devices/device-faults.js';
import { startEmbeddedBench, type EmbeddedBench } from '../../sandbox/orchestrator/embedded-bench.js';
import { startHarness, type RunningHarness } from './harness-server.js';

/**
 * `npm run harness`: the station UI in a browser on a loopback URL with a random token, wired to
 * the real core. For development and tests; it is never part of a packaged build.
 *
 * Without --profile the station runs on its embedded sandbox (the whole AWS side on loopback) with
 * simulated devices on pseudo-terminals, both kept in <data-dir>/embedded, unless the operator
 * imported a real profile in an earlier run on the same data dir and chose it.
 */
const usage = `usage: serve [--port N] [--data-dir DIR] [--ports GLOB]... [--poll-ms MS] [--profile FILE] [--json]
       [--devices N] [--device-faults NAME@INDEX]... [--device-unplug-ms MS]`;

function fail(message: string): never {
  // A bad profile or an unbuilt renderer is the operator's to fix: say what, without a stack trace.
  console.error(`harness: ${message}`);
  process.exit(1);
}

function parseFlags() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        ports: { type: 'string', multiple: true, default: [] },
        'data-dir': { type: 'string' },
        'poll-ms': { type: 'string', default: '1000' },
        profile: { type: 'string', default: process.env.STATION_PROFILE },
        json: { type: 'boolean', default: false },
        devices: { type: 'string', default: '3' },
        'device-faults': { type: 'string', multiple: true, default: [] },
        'device-unplug-ms': { type: 'string' },
      },
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n${usage}`);
  }
}

const values = parseFlags();

function integerFlag(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    fail(`--${name} must be a whole number from 0 to ${max}, not "${text}".\n${usage}`);
  }
  return value;
}

const deviceCount = integerFlag('devices', values.devices, 64);
const unplugMs =
  values['device-unplug-ms'] === undefined
    ? undefined
    : integerFlag('device-unplug-ms', values['device-unplug-ms'], 600_000);
let faults: FaultSpec[];
try {
  faults = values['device-faults'].map(parseFault);
} catch (error) {
  fail(`--device-faults: ${(error as Error).message}`);
}

const dataDirectory = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'station-harness-'));

/** The bench the core started last (it decides when, and may start it again after a switch). */
let bench: EmbeddedBench | undefined;
let benchFailed = false;
/** Set once the start-up lines are printed; later starts print their own. */
let announced = false;
const embeddedSandbox: EmbeddedSandbox = {
  async start() {
    const started = await startEmbeddedBench({
      dataDir: join(dataDirectory, 'embedded'),
      deviceCount,
      faults,
      ...(unplugMs !== undefined ? { unplugMs } : {}),
    }).catch((error: unknown) => {
      benchFailed = true;
      throw error;
    });
    benchFailed = false;
    bench = started;
    // A start after the first (the operator switched back to the sandbox) is announced too.
    if (announced && !values.json) announceBench(started);
    return {
      profile: started.profile,
      portPatterns: started.portPatterns,
      stop: async () => {
        await started.stop();
        if (bench === started) bench = undefined;
      },
    };
  },
};

function announceBench(running: EmbeddedBench): void {
  const { username, password } = running.users.installer;
  console.log(`AWS side: the embedded sandbox, not AWS (sign in as ${username} / ${password}).`);
  console.log(
    `Simulated devices: ${running.fleet.devices.length} in ${running.devicesDir} (their flash persists there).`,
  );
}

let harness: RunningHarness;
try {
  harness = await startHarness({
    port: Number(values.port),
    core: {
      ...(values.profile ? { profile: await loadProfileFile(values.profile) } : { embeddedSandbox }),
      dataDirectory,
      // A browser has no safeStorage: the harness never remembers a session (and says so).
      secretStorage: null,
      fixedPortPatterns: values.ports,
      pollIntervalMs: Number(values['poll-ms']),
    },
  });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

if (values.json) {
  console.log(
    JSON.stringify({ url: harness.url, dataDirectory, devicesDirectory: bench?.devicesDir ?? null }),
  );
} else {
  console.log(`Provisioning Station harness: open ${harness.url}`);
  console.log('(loopback only; the random token in the URL is required. Ctrl+C stops it.)');
  console.log(`Data folder: ${dataDirectory}`);
  if (bench) announceBench(bench);
  else if (benchFailed) {
    console.log('AWS side: none; the embedded sandbox did not start (the reason is logged above).');
  } else if (!values.profile) {
    console.log('AWS side: the profile imported in an earlier run (the station can switch to the sandbox).');
  }
}
announced = true;

const stop = () => {
  void harness.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmbeddedBench, type EmbeddedBench } from '../../../sandbox/orchestrator/embedded-bench.js';
import { TEMPLATE_NAME } from '../../../sandbox/orchestrator/sandbox-seed.js';
import type { EmbeddedSandbox } from '../../../src/main/core/embedded-sandbox.js';
import { StationCore } from '../../../src/main/core/station-core.js';
import type { RunView } from '../../../src/shared/view-models.js';
import { latestRunViews, RecordingIpcTransport } from '../../support/recording-ipc-transport.js';
import { FAST_BAUD } from '../engine/engine-fixture.js';

/**
 * The station's default bench: with no profile given, the core starts the embedded sandbox and its
 * three simulated devices by itself, provisions them, switches to an imported profile and back, and
 * remembers the operator's choice across restarts on the same data folder.
 */

const awsProfile = {
  name: 'Production eu-west-1',
  kind: 'aws',
  region: 'eu-west-1',
  cognito: {
    userPoolId: 'eu-west-1_AbC123',
    userPoolClientId: '1example23456789',
    identityPoolId: 'eu-west-1:11111111-2222-3333-4444-555555555555',
  },
  iot: {
    dataEndpoint: 'a1b2c3-ats.iot.eu-west-1.amazonaws.com:8883',
    templateName: 'TrustedUserProvisioningTemplate',
  },
};

let root: string;
let stationDirectory: string;
/** Every bench the embedded sandbox started, oldest first. */
const benches: EmbeddedBench[] = [];
const running: StationCore[] = [];

const embeddedSandbox: EmbeddedSandbox = {
  async start() {
    const bench = await startEmbeddedBench({
      dataDir: join(root, 'embedded'),
      deviceCount: 3,
      seed: 0x5e,
      baudRate: FAST_BAUD,
    });
    benches.push(bench);
    return { profile: bench.profile, portPatterns: bench.portPatterns, stop: () => bench.stop() };
  },
};

interface Station {
  core: StationCore;
  transport: RecordingIpcTransport;
  logs: string[];
  stop(): Promise<void>;
}

async function startStation(options: { embeddedSandbox?: EmbeddedSandbox; dataDirectory?: string } = {}) {
  const logs: string[] = [];
  const transport = new RecordingIpcTransport();
  const core = new StationCore({
    appName: 'Provisioning Station',
    appVersion: '0.0.0-test',
    runtime: { electron: null, chrome: null, node: process.versions.node },
    dataDirectory: options.dataDirectory ?? stationDirectory,
    secretStorage: null,
    stationId: 'station-embedded-test',
    listSystemPorts: () => Promise.resolve([]),
    pollIntervalMs: 50,
    useUsbHotplug: false,
    log: (line) => logs.push(line),
    ...(options.embeddedSandbox ? { embeddedSandbox: options.embeddedSandbox } : {}),
  });
  running.push(core);
  core.connect(transport, (sender) => sender.id === transport.sender.id);
  await core.start();
  const station: Station = {
    core,
    transport,
    logs,
    async stop() {
      await core.stop();
      running.splice(running.indexOf(core), 1);
    },
  };
  return station;
}

/** The latest view of each run, from every batch.changed event and batch response so far. */
function latestRuns(transport: RecordingIpcTransport): RunView[] {
  return [...latestRunViews(transport).values()];
}

const lastBench = () => {
  const bench = benches.at(-1);
  if (!bench) throw new Error('the embedded sandbox was never started');
  return bench;
};

const devicePaths = (bench: EmbeddedBench) => bench.fleet.devices.map((device) => device.info.path).sort();

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'station-embedded-'));
  stationDirectory = join(root, 'station');
  mkdirSync(stationDirectory);
});

afterAll(async () => {
  for (const core of running.splice(0)) await core.stop();
  for (const bench of benches) await bench.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('the embedded sandbox as the station default', () => {
  let station: Station;

  it('starts with the sandbox and its three devices when no profile was given or imported', async () => {
    station = await startStation({ embeddedSandbox });
    const { transport } = station;
    expect(benches).toHaveLength(1);
    expect(await transport.call('profile.get')).toMatchObject({
      configured: true,
      name: 'Sandbox (embedded)',
      kind: 'sandbox',
      source: 'embedded',
      sandboxAvailable: true,
      templateName: TEMPLATE_NAME,
    });
    const bench = lastBench();
    expect(bench.portPatterns).toEqual([join(root, 'embedded', 'devices', 'tty-*')]);
    const list = await transport.call('devices.list');
    expect(list.fixedPatterns).toEqual(bench.portPatterns);
    // Never saved as the operator's own ports.
    expect(list.configuredPatterns).toEqual([]);
    expect(list.devices.map((device) => device.path).sort()).toEqual(devicePaths(bench));
    expect(devicePaths(bench)).toHaveLength(3);
  });

  it('signs the sandbox installer in and provisions all three devices in one batch', async () => {
    const { transport } = station;
    const bench = lastBench();
    expect(await transport.call('session.signIn', bench.users.installer)).toMatchObject({
      status: 'signed-in',
      mayProvision: true,
    });
    await transport.call('batch.start', {
      label: 'Embedded bench',
      templateName: TEMPLATE_NAME,
      parameters: {},
      targetCount: 3,
      bays: 3,
    });
    await vi.waitFor(
      () => {
        const runs = latestRuns(transport);
        const phases = runs.map((run) => `${run.serialNumber ?? run.runId}: ${run.phase}`).join(', ');
        expect(
          runs.filter((run) => run.phase === 'done'),
          phases,
        ).toHaveLength(3);
      },
      { timeout: 15_000, interval: 50 },
    );
    const serials = bench.fleet.devices.map((device) => device.info.serialNumber).sort();
    const runs = latestRuns(transport);
    expect(runs.map((run) => run.serialNumber).sort()).toEqual(serials);
    for (const run of runs)
      expect(run, run.serialNumber ?? run.runId).toMatchObject({ phase: 'done', failure: null });
    // The target reached closes the batch, so the profile may be switched.
    await vi.waitFor(async () => expect((await transport.call('batch.get')).batch?.status).toBe('finished'));
    for (const serial of serials) expect(bench.sandbox.registry.getThing(serial), serial).toBeDefined();
  });

  it('refuses to switch while a batch is open, as for any profile', async () => {
    const { transport } = station;
    await transport.call('batch.start', {
      label: 'Left open',
      templateName: TEMPLATE_NAME,
      parameters: {},
      targetCount: null,
      bays: 1,
    });
    const refused = await transport.invoke('profile.use', {
      kind: 'profile-json',
      json: JSON.stringify(awsProfile),
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FAILED' } });
    if (!refused.ok) expect(refused.error.message).toMatch(/Batch "Left open" is open/);
    await transport.call('batch.cancel');
    expect((await transport.call('profile.get')).source).toBe('embedded');
  });

  it('switches to an imported profile: the sandbox and its devices stop, and the choice is remembered', async () => {
    const { transport } = station;
    const bench = lastBench();
    const view = await transport.call('profile.use', {
      kind: 'profile-json',
      json: JSON.stringify(awsProfile),
    });
    expect(view).toMatchObject({
      configured: true,
      name: 'Production eu-west-1',
      kind: 'aws',
      source: 'imported',
      sandboxAvailable: true,
    });
    // The bench is gone: its ptys vanished and its folder is no longer watched.
    await vi.waitFor(async () => {
      const list = await transport.call('devices.list');
      expect(list.fixedPatterns).toEqual([]);
      expect(list.devices).toEqual([]);
    });
    expect(station.logs).toContain('profile: the embedded sandbox stopped');
    for (const path of devicePaths(bench)) expect(existsSync(path), path).toBe(false);

    await station.stop();
    station = await startStation({ embeddedSandbox });
    expect(await station.transport.call('profile.get')).toMatchObject({
      name: 'Production eu-west-1',
      source: 'imported',
      sandboxAvailable: true,
    });
    // The remembered choice is the imported profile: no sandbox was started for it.
    expect(benches).toHaveLength(1);
    expect((await station.transport.call('devices.list')).fixedPatterns).toEqual([]);
  });

  it('switches back to the sandbox, whose devices kept their identity, and remembers that too', async () => {
    const view = await station.transport.call('profile.use', { kind: 'sandbox' });
    expect(view).toMatchObject({ name: 'Sandbox (embedded)', kind: 'sandbox', source: 'embedded' });
    expect(benches).toHaveLength(2);
    const bench = lastBench();
    // Same seed, same folder: the same devices, their flash holding the identity given above.
    expect(bench.fleet.devices.map((device) => device.info.serialNumber).sort()).toEqual(
      benches[0]?.fleet.devices.map((device) => device.info.serialNumber).sort(),
    );
    for (const device of bench.fleet.devices) {
      expect(device.store.load()?.thingName, device.info.serialNumber).toBe(device.info.serialNumber);
    }
    await vi.waitFor(async () => {
      const list = await station.transport.call('devices.list');
      expect(list.devices.map((device) => device.path).sort()).toEqual(devicePaths(bench));
    });
    // Asking again while on it changes nothing.
    expect(await station.transport.call('profile.use', { kind: 'sandbox' })).toEqual(view);
    expect(benches).toHaveLength(2);

    await station.stop();
    station = await startStation({ embeddedSandbox });
    // The imported profile is still on disk, but the operator chose the sandbox.
    expect(await station.transport.call('profile.get')).toMatchObject({
      source: 'embedded',
      kind: 'sandbox',
    });
    expect(benches).toHaveLength(3);
    await station.stop();
  });
});

describe('the embedded sandbox when it cannot run', () => {
  it('a sandbox that fails to start is logged and the station starts without a profile', async () => {
    const failing: EmbeddedSandbox = { start: () => Promise.reject(new Error('socat is not installed')) };
    const directory = join(root, 'failing');
    mkdirSync(directory);
    const station = await startStation({ embeddedSandbox: failing, dataDirectory: directory });
    expect(await station.transport.call('profile.get')).toMatchObject({
      configured: false,
      source: 'none',
      sandboxAvailable: true,
    });
    expect(station.logs).toContain(
      'profile: The embedded sandbox could not start: socat is not installed. The station starts without a profile.',
    );
    expect(await station.transport.invoke('profile.use', { kind: 'sandbox' })).toEqual({
      ok: false,
      error: { code: 'FAILED', message: 'The embedded sandbox could not start: socat is not installed.' },
    });
    await station.stop();
  });

  it('a station given no sandbox says so and refuses to switch to one', async () => {
    const directory = join(root, 'without');
    mkdirSync(directory);
    const station = await startStation({ dataDirectory: directory });
    expect(await station.transport.call('profile.get')).toMatchObject({
      configured: false,
      source: 'none',
      sandboxAvailable: false,
    });
    const refused = await station.transport.invoke('profile.use', { kind: 'sandbox' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FAILED' } });
    if (!refused.ok) expect(refused.error.message).toMatch(/cannot start an embedded sandbox/);
    await station.stop();
  });
});

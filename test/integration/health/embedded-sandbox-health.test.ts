import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/orchestrator/start-sandbox.js';
import type { EmbeddedSandbox } from '../../../src/main/core/embedded-sandbox.js';
import { StationCore } from '../../../src/main/core/station-core.js';
import { RecordingIpcTransport } from '../../support/recording-ipc-transport.js';

/**
 * The reachability check on a station that runs the embedded sandbox itself: when that sandbox
 * stops answering, the fix names what the operator can do in the station — no command to type.
 */

let root: string;
let sandbox: RunningSandbox | undefined;
let core: StationCore | undefined;
const transport = new RecordingIpcTransport();

const embeddedSandbox: EmbeddedSandbox = {
  async start() {
    const started = await startSandbox({
      ports: { cognito: 0, controlPlane: 0, mqtt: 0 },
      log: () => undefined,
    });
    sandbox = started;
    return { profile: started.profile, portPatterns: [], stop: () => started.stop() };
  },
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'embedded-health-'));
  core = new StationCore({
    appName: 'Provisioning Station',
    appVersion: '0.0.0-test',
    runtime: { electron: null, chrome: null, node: process.versions.node },
    dataDirectory: root,
    secretStorage: null,
    stationId: 'station-embedded-health',
    listSystemPorts: () => Promise.resolve([]),
    pollIntervalMs: 50,
    useUsbHotplug: false,
    log: () => undefined,
    embeddedSandbox,
  });
  core.connect(transport, (sender) => sender.id === transport.sender.id);
  await core.start();
});

afterAll(async () => {
  await core?.stop();
  await sandbox?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('bench health on the embedded sandbox', () => {
  it('is reachable while the embedded sandbox runs', async () => {
    expect(await transport.call('profile.get')).toMatchObject({ kind: 'sandbox', source: 'embedded' });
    const view = await transport.call('health.check');
    expect(view.checks.find((check) => check.id === 'aws-reachable')).toMatchObject({
      status: 'ok',
      title: 'Sandbox reachable',
    });
  });

  it('advises restarting the station or choosing the embedded sandbox again once it stops, with no command', async () => {
    await sandbox?.stop();
    const view = await transport.call('health.check');
    const reach = view.checks.find((check) => check.id === 'aws-reachable');
    expect(reach).toMatchObject({ status: 'problem', command: null });
    expect(reach?.summary).toMatch(/^The embedded sandbox is not answering.*connection refused/);
    expect(reach?.fix).toMatch(/^Restart the station.*"Use the embedded sandbox" again/);
    expect(reach?.fix).not.toMatch(/npm run/);
  });
});

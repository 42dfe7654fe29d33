import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadProfileFile } from '../../src/main/core/station-profile.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/orchestrator/start-sandbox.js';
import { startHarness, type RunningHarness } from './harness-server.js';

/**
 * `npm run harness`: the station UI in a browser on a loopback URL with a random token, wired to
 * the real core. For development and tests; it is never part of a packaged build.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    ports: { type: 'string', multiple: true, default: [] },
    'data-dir': { type: 'string' },
    'poll-ms': { type: 'string', default: '1000' },
    profile: { type: 'string', default: process.env.STATION_PROFILE },
    json: { type: 'boolean', default: false },
  },
});

const dataDirectory = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'station-harness-'));
let harness: RunningHarness;
let sandbox: RunningSandbox | undefined;
try {
  // Without a profile the station runs on the embedded sandbox: the whole AWS side on loopback.
  if (!values.profile) {
    sandbox = await startSandbox({
      dataDir: join(dataDirectory, 'sandbox'),
      ports: { cognito: 0, controlPlane: 0, mqtt: 0 },
      name: 'Sandbox (embedded)',
    });
  }
  harness = await startHarness({
    port: Number(values.port),
    core: {
      profile: sandbox ? sandbox.profile : await loadProfileFile(values.profile ?? ''),
      dataDirectory,
      // A browser has no safeStorage: the harness never remembers a session (and says so).
      secretStorage: null,
      fixedPortPatterns: values.ports,
      pollIntervalMs: Number(values['poll-ms']),
    },
  });
} catch (error) {
  // A bad profile or an unbuilt renderer is the operator's to fix: say what, without a stack trace.
  console.error(`harness: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

if (values.json) {
  console.log(JSON.stringify({ url: harness.url, dataDirectory }));
} else {
  console.log(`Provisioning Station harness: open ${harness.url}`);
  console.log('(loopback only; the random token in the URL is required. Ctrl+C stops it.)');
  if (sandbox) {
    console.log(
      `AWS side: the embedded sandbox (sign in as ${sandbox.users.installer.username} / ${sandbox.users.installer.password}).`,
    );
  }
}

const stop = () => {
  void harness
    .stop()
    .then(() => sandbox?.stop())
    .then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

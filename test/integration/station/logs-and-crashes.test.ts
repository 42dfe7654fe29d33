import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_NAME } from '../../../sandbox/orchestrator/sandbox-seed.js';
import { SecretSearch, type Secret } from '../../support/secret-search.js';
import { startStationWorld, type StationWorld } from './station-world.js';

/**
 * The log file of a real station: an installer signs in and starts a batch whose device is slow, a
 * renderer problem and a main-process crash are reported while its run is in flight — both carrying
 * the run's own claim key and the installer's password in their text — and the file on disk holds
 * the crash entries with what the operator was doing, the system report names its folder, and not
 * one of the run's secrets is in any log file.
 */

let world: StationWorld;
let claimKeyPem = '';
let logFolder = '';

const logText = () =>
  readdirSync(logFolder)
    .sort()
    .map((name) => readFileSync(join(logFolder, name), 'utf8'))
    .join('');

beforeAll(async () => {
  world = await startStationWorld({
    // Slow: the claim goes over the serial link for long enough to crash while the run is in flight.
    fleets: [{ seed: 0x71, count: 1, modes: ['keys'], faults: [{ name: 'slow' }] }],
  });
  const { transport, sandbox } = world;
  logFolder = (await transport.call('logs.folder')).path;
  await transport.call('diagnostics.report', { kind: 'screen', screen: 'sign-in' });
  await transport.call('session.signIn', sandbox.users.installer);
  await transport.call('diagnostics.report', { kind: 'screen', screen: 'batch-setup' });
  await transport.call('batch.start', {
    label: 'Crash log batch',
    templateName: TEMPLATE_NAME,
    parameters: {},
    targetCount: null,
    bays: 1,
  });
  await transport.call('diagnostics.report', { kind: 'screen', screen: 'batch-queue' });
  await world.waitForRuns(
    (runs) => runs.some((run) => run.phase === 'delivery'),
    'the claim to be on its way to the device',
  );
  const claim = world.secrets().find((secret) => secret.label.startsWith('claim private key'));
  claimKeyPem = claim?.kind === 'private-key' ? claim.pem : '';
}, 60_000);

afterAll(async () => {
  await world?.dispose();
});

describe('the log file', () => {
  it('is <dataDirectory>/logs/station.log, 0600 in a 0700 folder', () => {
    expect(logFolder).toBe(join(world.dataDirectory, 'logs'));
    if (process.platform !== 'win32') {
      expect(statSync(logFolder).mode & 0o777).toBe(0o700);
      expect(statSync(join(logFolder, 'station.log')).mode & 0o777).toBe(0o600);
    }
    // Every line the core logged is in it, stamped.
    const text = logText();
    expect(text).toMatch(/\n?\d{4}-\d\d-\d\dT[\d:.]+Z session: installer signed in/);
    expect(world.logs.length).toBeGreaterThan(0);
    for (const line of world.logs.slice(0, 20)) expect(text).toContain(line);
  });

  it('holds crash entries with what the operator was doing while a run was in flight, secrets redacted', async () => {
    expect(claimKeyPem).toContain('PRIVATE KEY');
    const password = world.sandbox.users.installer.password;
    const receipt = await world.transport.call('diagnostics.report', {
      kind: 'unhandled-rejection',
      screen: 'batch-queue',
      name: 'Error',
      // An error that quotes a request: the password is a named field there (a password in prose has
      // no shape to recognise, and the renderer never puts one in an error).
      message: `queue update failed for key ${claimKeyPem} after {"username":"installer","password":"${password}"}`,
      stack: `Error: queue update failed\n    at merge (app://station/assets/index.js:3:14)`,
    });
    expect(receipt).toEqual({ recorded: true });
    world.core.recordCrash({
      where: 'main process',
      kind: 'uncaught exception',
      error: new Error(`device link callback threw holding ${claimKeyPem}`),
    });

    const text = logText();
    for (const entry of [1, 2]) {
      expect(text).toContain(
        `CRASH #${entry} operator: signed in as installer (may provision); screen: batch-queue`,
      );
      expect(text).toMatch(
        new RegExp(
          `CRASH #${entry} batch: "Crash log batch" \\([0-9a-f-]+, running, template ${TEMPLATE_NAME}\\)`,
        ),
      );
      expect(text).toContain(`CRASH #${entry} runs in flight: 1`);
      expect(text).toMatch(
        new RegExp(`CRASH #${entry} run: (delivery|provisioning|verification) on \\S+tty-\\S+, serial \\S+`),
      );
      expect(text).toMatch(
        new RegExp(`CRASH #${entry} recent IPC \\(\\d+, oldest first\\): .*session\\.signIn.*batch\\.start`),
      );
      expect(text).toContain(`CRASH #${entry} end`);
    }
    // The page's own screen and problem reports are not among the operator's calls.
    expect(text).not.toMatch(/CRASH #\d+ recent IPC .*diagnostics\.report/);
    expect(text).toContain('CRASH #1 begin: renderer, unhandled promise rejection in the page');
    expect(text).toContain('CRASH #1 stack: at merge (app://station/assets/index.js:3:14)');
    expect(text).toContain('CRASH #2 begin: main process, uncaught exception');
    expect(text).toContain(
      'CRASH #2 error: Error: device link callback threw holding [redacted private key]',
    );
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(password);
    // Arguments never: the sign-in's username is in the context as a fact, the batch.start input is not.
    expect(text).not.toContain('"templateName"');
  });

  it('holds none of the run’s secrets in any log file, while the same search finds one planted', () => {
    const secrets: Secret[] = world.secrets();
    expect(secrets.some((secret) => secret.label.startsWith('claim private key'))).toBe(true);
    const search = new SecretSearch(secrets);
    const files = readdirSync(logFolder).map((name) => ({
      where: `log file ${name}`,
      text: readFileSync(join(logFolder, name)).toString('latin1'),
    }));
    expect(files.length).toBeGreaterThan(0);
    expect(search.search(files).map((hit) => `${hit.secret} as ${hit.encoding} in ${hit.where}`)).toEqual([]);
    const planted = `${files[0]!.text}\n${claimKeyPem}`;
    expect(search.search([{ where: 'planted copy', text: planted }]).length).toBeGreaterThan(0);
  });

  it('is named by the system report', async () => {
    const report = await world.transport.call('health.report');
    expect(report.content).toContain(`Log folder: ${logFolder} (station.log, older ones station.1.log …)`);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_NAME } from '../../../sandbox/orchestrator/sandbox-seed.js';
import { responseSchemas } from '../../../src/shared/ipc-output-schemas.js';
import type { BenchHealthView, SystemReportView } from '../../../src/shared/view-models.js';
import { SecretSearch, payloadHaystacks, type Secret } from '../../support/secret-search.js';
import { STATION_ID, startStationWorld, type StationWorld } from '../station/station-world.js';

/**
 * health.check and health.report through the IPC contract, on a station that has really signed an
 * installer in and provisioned a device with a claim: every check answers, the report says what
 * support needs, and none of the run's secrets (claim and device keys, Cognito tokens, IAM
 * credentials, passwords) is in it.
 */

let world: StationWorld;
let health: BenchHealthView;
let report: SystemReportView;

beforeAll(async () => {
  world = await startStationWorld({ fleets: [{ seed: 0x61, count: 1, modes: ['keys'] }] });
  const { transport, sandbox } = world;
  await transport.call('session.signIn', sandbox.users.installer);
  await transport.call('batch.start', {
    label: 'Health report batch',
    templateName: TEMPLATE_NAME,
    parameters: {},
    targetCount: null,
    bays: 1,
  });
  await world.waitForRuns(
    (runs) => runs.length === 1 && runs.every((run) => run.phase === 'done'),
    'the device to be provisioned',
  );
});

afterAll(async () => {
  await world?.dispose();
});

describe('bench health through IPC', () => {
  it('answers every check for a working bench', async () => {
    health = await world.transport.call('health.check');
    const byId = new Map(health.checks.map((check) => [check.id, check]));
    expect([...byId.keys()]).toEqual([
      'serial-permission',
      'port-held',
      'aws-reachable',
      'clock-skew',
      'secret-storage',
    ]);
    const devicePath = world.devices[0]?.info.path ?? '';
    expect(byId.get('serial-permission')).toMatchObject({ status: 'ok' });
    expect(byId.get('serial-permission')?.summary).toContain(devicePath);
    // The station itself has the port open (its device link) and socat made it: neither counts.
    expect(byId.get('port-held')).toMatchObject({ status: 'ok' });
    expect(byId.get('aws-reachable')).toMatchObject({ status: 'ok' });
    expect(byId.get('clock-skew')).toMatchObject({ status: 'ok' });
    // The world runs without safeStorage.
    expect(byId.get('secret-storage')).toMatchObject({ status: 'warning', command: null });
    expect(Math.abs(health.checkedAt - Date.now())).toBeLessThan(10_000);
  });

  it('builds a system report with versions, profile, session, ports, checks, the batch and the log', async () => {
    report = await world.transport.call('health.report');
    expect(report.fileName).toMatch(new RegExp(`^station-report-${STATION_ID}-\\d{8}-\\d{6}\\.txt$`));
    const { content } = report;
    const profile = world.sandbox.profile;
    for (const expected of [
      'Provisioning Station — system report',
      'App: Provisioning Station 0.0.0-test',
      `Node: ${process.versions.node}`,
      `Station id: ${STATION_ID}`,
      `User pool id: ${profile.cognito.userPoolId}`,
      `Identity pool id: ${profile.cognito.identityPoolId}`,
      `Template: ${TEMPLATE_NAME}`,
      `IoT data endpoint (MQTT over TLS): ${profile.iot.dataEndpoint}`,
      'Username: installer',
      'Groups: installers',
      'May provision: yes',
      `Fixed patterns: ${world.portPatterns.join(', ')}`,
      `- ${world.devices[0]?.info.path ?? '?'}: configured, no USB ids`,
      '[ok] Sandbox reachable (aws-reachable): Every endpoint answered.',
      '[warning] Remembered sign-in (secret-storage)',
      'Label: Health report batch',
      'Devices: 1 done, 0 failed',
    ]) {
      expect(content, expected).toContain(expected);
    }
    // The recent log: what the core logged while signing in and provisioning, stamped.
    const logPart = content.slice(content.indexOf('== Recent log'));
    expect(logPart).toMatch(/\n\d{4}-\d\d-\d\dT[\d:.]+Z session: installer signed in/);
    expect(logPart.split('\n').length).toBeGreaterThan(5);
    expect(logPart.split('\n').length).toBeLessThanOrEqual(203);
    // It passed the outgoing schema (the call did not fail) and would pass it again.
    expect(responseSchemas['health.report'].safeParse(report).success).toBe(true);
    expect(world.logs.filter((line) => /ipc: (dropped|refused to send)/.test(line))).toEqual([]);
  });

  it('holds none of the run’s secrets, while the same search finds one planted in a copy', () => {
    const secrets: Secret[] = world.secrets();
    const count = (prefix: string) => secrets.filter((secret) => secret.label.startsWith(prefix)).length;
    // The run really had secrets: a claim, the key AWS made for the device, tokens and credentials.
    expect(count('claim private key')).toBeGreaterThanOrEqual(1);
    expect(count('device private key made by AWS')).toBeGreaterThanOrEqual(1);
    expect(count('Cognito refresh token')).toBeGreaterThanOrEqual(1);
    expect(count('IAM secret access key')).toBeGreaterThanOrEqual(1);
    const search = new SecretSearch(secrets);
    const responses = world.transport.messages.filter(
      (message) => message.kind === 'response' && message.channel.startsWith('health.'),
    );
    expect(responses.map((message) => message.channel)).toEqual(['health.check', 'health.report']);
    const haystacks = responses.flatMap((message) =>
      payloadHaystacks(`response ${message.channel}`, message.payload),
    );
    expect(haystacks.some((haystack) => haystack.text === report.content)).toBe(true);
    expect(search.search(haystacks).map((hit) => `${hit.secret} as ${hit.encoding} in ${hit.where}`)).toEqual(
      [],
    );

    const refresh = secrets.find((secret) => secret.label.startsWith('Cognito refresh token'));
    const planted = `${report.content}\n${refresh?.kind === 'token' ? refresh.text.slice(10, 50) : ''}`;
    expect(search.search([{ where: 'planted copy', text: planted }]).length).toBeGreaterThan(0);
  });

  it('says the sandbox is not running once it stops', async () => {
    await world.sandbox.stop();
    const view = await world.transport.call('health.check');
    const reach = view.checks.find((check) => check.id === 'aws-reachable');
    expect(reach).toMatchObject({ status: 'problem', command: 'npm run sandbox' });
    expect(reach?.summary).toMatch(/^The sandbox is not running/);
    // Problems found are logged too, so the next report carries them.
    expect(
      world.logs.some((line) => line.startsWith('health: aws-reachable problem: The sandbox is not running')),
    ).toBe(true);
  });
});

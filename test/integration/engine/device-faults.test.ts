import { afterEach, describe, expect, it } from 'vitest';
import { simulatedSerialNumber } from '../../../sandbox/devices/device-fleet.js';
import { expectEverythingAgrees } from './engine-checks.js';
import { FAST_BAUD, startEngineRig, waitUntil, watchPorts, type EngineRig } from './engine-fixture.js';

let rig: EngineRig | undefined;
let stopWatching: (() => void) | undefined;
afterEach(async () => {
  stopWatching?.();
  stopWatching = undefined;
  await rig?.dispose();
  rig = undefined;
});

function phases(current: EngineRig): Record<string, string> {
  return Object.fromEntries(current.stack.engine.view().runs.map((run) => [run.serialNumber, run.phase]));
}

function eventTypes(current: EngineRig, runId: string): string[] {
  return current.stack.journal.eventsOfRun(runId).map((event) => `${event.type}>${event.state}`);
}

async function startBatch(current: EngineRig, bays: number): Promise<string> {
  const view = await current.stack.engine.startBatch({
    label: 'faults',
    templateName: current.sandbox.profile.iot.templateName,
    parameters: {},
    targetCount: null,
    bays,
  });
  return view.batch?.id ?? '';
}

describe('device faults during a batch', () => {
  it('a device pulled mid-delivery ends verified after the re-plug, with one Thing', async () => {
    const seed = 51;
    const pulled = simulatedSerialNumber(seed, 0);
    rig = await startEngineRig({
      baudRate: FAST_BAUD,
      devices: 2,
      seed,
      faults: [{ name: 'unplug-mid-transfer', target: '0' }],
    });
    const batchId = await startBatch(rig, 2);
    const watcher = watchPorts(rig.stack.engine, rig.fleet.devices);
    stopWatching = watcher.stop;
    const current = rig;
    await waitUntil(
      () => Object.values(phases(current)).filter((phase) => phase === 'done').length === 2,
      'both devices verified',
    );
    // The cable really went: discovery saw the port leave and come back.
    const path = rig.device(pulled).info.path;
    expect(watcher.changes.filter((change) => change.path === path).map((change) => change.present)).toEqual([
      true,
      false,
      true,
    ]);
    const run = rig.stack.engine.view().runs.find((candidate) => candidate.serialNumber === pulled);
    const events = eventTypes(rig, run?.runId ?? '');
    // It failed in delivery (the link broke, or discovery saw the port leave first), then started
    // over with a fresh claim once it was back.
    expect(
      events.filter((event) => event === 'step-failed>failed' || event === 'device-lost>failed'),
    ).toHaveLength(1);
    expect(events).toContain('device-returned>handshake');
    expect(events.filter((event) => event.startsWith('claim-issued')).length).toBe(2);
    expect(run?.attempt).toBeGreaterThanOrEqual(2);
    expectEverythingAgrees(rig, batchId, { provisioned: rig.fleet.devices.map((d) => d.info.serialNumber) });
    expect(rig.stack.claims.outstanding()).toBe(0);
  });

  it('a device rebooted mid-provisioning is retried on its own and ends verified, one Thing', async () => {
    const seed = 52;
    const rebooted = simulatedSerialNumber(seed, 1);
    rig = await startEngineRig({
      baudRate: FAST_BAUD,
      devices: 2,
      seed,
      faults: [{ name: 'reboot-mid-provisioning', target: '1' }],
    });
    const batchId = await startBatch(rig, 2);
    rig.plugAll();
    const current = rig;
    await waitUntil(
      () => Object.values(phases(current)).filter((phase) => phase === 'done').length === 2,
      'both devices verified',
    );
    const run = rig.stack.engine.view().runs.find((candidate) => candidate.serialNumber === rebooted);
    const events = eventTypes(rig, run?.runId ?? '');
    const failure = rig.stack.journal
      .eventsOfRun(run?.runId ?? '')
      .find((event) => event.type === 'step-failed');
    expect(JSON.parse(failure?.payload ?? '{}')).toMatchObject({ failure: { code: 'DEVICE_REBOOTED' } });
    // No click: the engine retried it.
    expect(events).toContain('retry>handshake');
    expect(rig.device(rebooted).counters.boots).toBe(2);
    expectEverythingAgrees(rig, batchId, {
      provisioned: rig.fleet.devices.map((d) => d.info.serialNumber),
      resetMidProvisioning: [rebooted],
    });
  });

  it('a device that loses power right after storing its identity is verified from it, not provisioned again', async () => {
    const seed = 54;
    const serial = simulatedSerialNumber(seed, 0);
    rig = await startEngineRig({ baudRate: FAST_BAUD, devices: 1, seed });
    const device = rig.device(serial);
    // Power is cut the moment the new identity is in flash, before the device proves it works.
    const save = device.store.save.bind(device.store);
    let cut = false;
    device.store.save = (identity) => {
      save(identity);
      if (!cut) setImmediate(() => device.reboot());
      cut = true;
    };
    const batchId = await startBatch(rig, 1);
    rig.plugAll();
    const current = rig;
    await waitUntil(() => phases(current)[serial] === 'done', 'the device to be verified');
    const [run] = rig.stack.engine.view().runs;
    expect(eventTypes(rig, run?.runId ?? '').filter((event) => !event.startsWith('progress'))).toEqual([
      'handshake-started>handshake',
      'hello>queued',
      'slot-granted>claim',
      'claim-issued>delivery',
      'claim-delivered>provisioning',
      'step-failed>failed',
      'retry>handshake',
      // Its HELLO names the identity this run gave it: the registry check settles it.
      'hello>verification',
      'verified>done',
    ]);
    expect(run?.recovered).toBe(true);
    expect(device.counters.boots).toBe(2);
    expectEverythingAgrees(rig, batchId, { provisioned: [serial] });
  });

  it('a device refused by the pre-provisioning hook fails with a hint; the others still finish', async () => {
    const seed = 53;
    const serials = [0, 1, 2, 3].map((index) => simulatedSerialNumber(seed, index));
    const [refused, first, second, tampered] = serials as [string, string, string, string];
    const hookArn = 'arn:aws:lambda:eu-west-1:123456789012:function:serial-deny-list';
    const hookCalls: string[] = [];
    rig = await startEngineRig({
      baudRate: FAST_BAUD,
      devices: 4,
      seed,
      faults: [{ name: 'reject-provisioning', target: '3' }],
      // As a device maker's Lambda would: one serial number is on a deny list, the rest may pass.
      sandbox: {
        templateHooks: {
          [hookArn]: (event) => {
            hookCalls.push(event.parameters.SerialNumber ?? '');
            return { allowProvisioning: event.parameters.SerialNumber !== refused };
          },
        },
      },
    });
    const { registry } = rig.sandbox;
    const templateName = rig.sandbox.profile.iot.templateName;
    registry.updateTemplate(templateName, { preProvisioningHook: { targetArn: hookArn } });
    const batchId = await startBatch(rig, 2);
    const current = rig;
    // All four at once in two bays: the refused one must not hold up the others.
    rig.plugAll();
    await waitUntil(() => {
      const now = phases(current);
      return (
        now[refused] === 'failed' &&
        now[first] === 'done' &&
        now[second] === 'done' &&
        now[tampered] === 'failed'
      );
    }, 'one refused by the hook, two verified and one rejected by AWS');
    expect(new Set(hookCalls)).toEqual(new Set([refused, first, second]));
    const failed = rig.stack.engine.view().runs.find((run) => run.serialNumber === refused);
    expect(failed?.failure).toMatchObject({ code: 'PROVISIONING_REFUSED_BY_HOOK', retryable: false });
    expect(failed?.failure?.hint).toContain(templateName);
    expect(failed?.failure?.hint).toMatch(/AWS admin/);
    expect(failed?.failure?.detail).toMatch(/AccessDenied/);

    const rejected = rig.stack.engine.view().runs.find((run) => run.serialNumber === tampered);
    expect(rejected?.failure?.detail).toMatch(/InvalidCertificateOwnershipToken/);
    expect(rejected?.failure?.hint.length).toBeGreaterThan(10);
    expectEverythingAgrees(rig, batchId, {
      provisioned: [first, second],
      failed: { [refused]: 'PROVISIONING_REFUSED_BY_HOOK', [tampered]: /^DEVICE_/ },
    });
    // The refused device was not retried behind the operator's back.
    expect(failed?.attempt).toBe(1);
  });
});

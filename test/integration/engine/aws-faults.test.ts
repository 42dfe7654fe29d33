import { afterEach, describe, expect, it } from 'vitest';
import { seededUsers } from '../../../sandbox/orchestrator/sandbox-seed.js';
import { StationError } from '../../../src/main/core/station-error.js';
import { expectEverythingAgrees } from './engine-checks.js';
import { CuttableProxy } from './cuttable-proxy.js';
import { FAST_BAUD, startEngineRig, waitUntil, type EngineRig } from './engine-fixture.js';

let rig: EngineRig | undefined;
let proxy: CuttableProxy | undefined;
afterEach(async () => {
  await rig?.dispose();
  rig = undefined;
  await proxy?.stop();
  proxy = undefined;
});

function serials(current: EngineRig): string[] {
  return current.fleet.devices.map((device) => device.info.serialNumber);
}

function countPhase(current: EngineRig, phase: string): number {
  return current.stack.engine.view().runs.filter((run) => run.phase === phase).length;
}

async function startBatch(current: EngineRig, bays: number): Promise<string> {
  const view = await current.stack.engine.startBatch({
    label: 'aws faults',
    templateName: current.sandbox.profile.iot.templateName,
    parameters: {},
    targetCount: null,
    bays,
  });
  return view.batch?.id ?? '';
}

describe('AWS-side faults during a batch', () => {
  it('refuses a signed-in user who is not an installer, saying what to do', async () => {
    rig = await startEngineRig({
      baudRate: FAST_BAUD,
      devices: 1,
      seed: 61,
      user: seededUsers.visitor,
    });
    const { engine, journal } = rig.stack;
    const attempt = engine.startBatch({
      label: 'not allowed',
      templateName: rig.sandbox.profile.iot.templateName,
      parameters: {},
      targetCount: null,
      bays: 1,
    });
    const error = await attempt.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StationError);
    const message = (error as Error).message;
    // What happened (AWS's own error), and what to do about it.
    expect(message).toMatch(/AccessDenied/);
    expect(message).toMatch(/installers group/);
    expect(message).toMatch(/ask your AWS admin/i);
    expect(message).toContain(rig.sandbox.profile.iot.templateName);
    // Nothing started: no batch, no run, no claim, no Thing.
    expect(journal.openBatch()).toBeUndefined();
    expect(engine.view().batch).toBeNull();
    rig.plugAll();
    expect(engine.view().runs).toEqual([]);
    expect(rig.sandbox.registry.listThings()).toEqual([]);
  });

  it('absorbs CreateProvisioningClaim throttling: every device still provisions', async () => {
    rig = await startEngineRig({
      baudRate: FAST_BAUD,
      devices: 4,
      seed: 62,
      modes: ['keys'],
      sandbox: { rates: { controlPlaneOperations: { CreateProvisioningClaim: 2 } } },
    });
    const batchId = await startBatch(rig, 4);
    rig.plugAll();
    const current = rig;
    await waitUntil(() => countPhase(current, 'done') === 4, 'four verified devices');
    const stats = rig.stack.governor.stats().CreateProvisioningClaim;
    // AWS said no at least once; the governor waited and tried again, no run saw it.
    expect(stats.throttled).toBeGreaterThan(0);
    expect(stats.waitedMs).toBeGreaterThan(0);
    expect(stats.calls).toBe(4 + stats.throttled);
    expect(rig.logs.some((line) => /CreateProvisioningClaim throttled/.test(line))).toBe(true);
    for (const run of rig.stack.journal.runsOfBatch(batchId)) {
      expect(rig.stack.journal.eventsOfRun(run.id).map((event) => event.type)).not.toContain('step-failed');
    }
    expectEverythingAgrees(rig, batchId, { provisioned: serials(rig) });
  });

  it('never delivers a claim too close to expiry; Retry with a fresh claim succeeds', async () => {
    // The sandbox's clock runs 40 s behind the station's: its 90 s claims have 50 s left on
    // arrival, under the 60 s a device is given at least.
    let behindMs = 40_000;
    rig = await startEngineRig({
      baudRate: FAST_BAUD,
      devices: 1,
      seed: 63,
      sandbox: { claimValiditySeconds: 90, clock: { now: () => Date.now() - behindMs } },
    });
    const batchId = await startBatch(rig, 1);
    rig.plugAll();
    const current = rig;
    await waitUntil(() => countPhase(current, 'failed') === 1, 'the claim to be refused');
    const [run] = rig.stack.engine.view().runs;
    expect(run?.failure).toMatchObject({
      code: 'CLAIM_TOO_CLOSE_TO_EXPIRY',
      phase: 'claim',
      retryable: true,
    });
    const left = Number(
      /has only (\d+) s left by this station's clock/.exec(run?.failure?.message ?? '')?.[1],
    );
    expect(left).toBeGreaterThan(40);
    expect(left).toBeLessThanOrEqual(50);
    expect(run?.failure?.message).toMatch(/clock/);
    expect(run?.failure?.hint).toMatch(/date and time.*Retry/);
    // The device never saw it.
    const types = rig.stack.journal.eventsOfRun(run?.runId ?? '').map((event) => event.type);
    expect(types).not.toContain('claim-issued');
    expect(rig.stack.claims.outstanding()).toBe(0);
    expect(rig.sandbox.registry.listThings()).toEqual([]);

    behindMs = 0;
    rig.stack.engine.retry(run?.runId ?? '');
    await waitUntil(() => countPhase(current, 'done') === 1, 'the retried device to be verified');
    const audit = expectEverythingAgrees(rig, batchId, { provisioned: serials(rig) });
    expect(audit[0]?.errorCode).toBeNull();
    expect(rig.stack.engine.view().runs[0]?.attempt).toBe(2);
  });

  it('fails the runs the network cut reaches with a network code; Retry after it returns succeeds', async () => {
    let cutter: CuttableProxy | undefined;
    rig = await startEngineRig({
      baudRate: FAST_BAUD,
      devices: 6,
      seed: 64,
      modes: ['keys'],
      profile: async (profile) => {
        cutter = await CuttableProxy.start(profile.iot.controlPlaneEndpoint ?? '');
        return { ...profile, iot: { ...profile.iot, controlPlaneEndpoint: cutter.url } };
      },
    });
    proxy = cutter as CuttableProxy;
    const network = proxy;
    const batchId = await startBatch(rig, 2);
    rig.plugAll();
    const current = rig;
    // Cut while one device is verified and another is provisioning (it needs the registry next).
    await waitUntil(
      () => countPhase(current, 'done') >= 1 && countPhase(current, 'provisioning') >= 1,
      'one verified device and one provisioning',
    );
    await network.cut();
    await waitUntil(
      () => countPhase(current, 'done') + countPhase(current, 'failed') === 6,
      'every device verified or failed',
    );
    const failed = rig.stack.engine.view().runs.filter((run) => run.phase === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    // The provisioning one fails its registry check, the ones after it their claim request.
    expect(new Set(failed.map((run) => run.failure?.code))).toEqual(
      new Set(['VERIFY_NETWORK', 'CLAIM_NETWORK']),
    );
    for (const run of failed) {
      expect(run.failure?.message).toMatch(/ECONNREFUSED|ECONNRESET|EPIPE|socket hang up/);
      expect(run.failure?.hint).toMatch(/network connection/);
      expect(run.failure?.retryable).toBe(true);
    }

    await network.restore();
    for (const run of failed) rig.stack.engine.retry(run.runId);
    await waitUntil(
      () => countPhase(current, 'done') === 6,
      'every device verified after the network returned',
    );
    expectEverythingAgrees(rig, batchId, { provisioned: serials(rig) });
  });
});

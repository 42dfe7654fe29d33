import { afterEach, describe, expect, it } from 'vitest';
import { slotPhases } from '../../../src/main/core/provisioning/run-state.js';
import { expectEverythingAgrees, maxRunsInSlotPhases } from './engine-checks.js';
import { FAST_BAUD, startEngineRig, waitUntil, type EngineRig } from './engine-fixture.js';

let rig: EngineRig | undefined;
afterEach(async () => {
  await rig?.dispose();
  rig = undefined;
});

/** Runs a batch of every device of the rig in `bays` bays; returns the batch id and the most runs seen in slots at once. */
async function runBatch(bays: number): Promise<{ batchId: string; sampledMax: number }> {
  const current = rig as EngineRig;
  const { engine } = current.stack;
  const view = await engine.startBatch({
    label: `ten in ${bays}`,
    templateName: current.sandbox.profile.iot.templateName,
    parameters: {},
    targetCount: null,
    bays,
  });
  let sampledMax = 0;
  const sample = () => {
    const inSlots = engine.view().runs.filter((run) => slotPhases.includes(run.phase)).length;
    sampledMax = Math.max(sampledMax, inSlots);
  };
  const sampler = setInterval(sample, 5);
  try {
    current.plugAll();
    await waitUntil(
      () => engine.view().runs.filter((run) => run.phase === 'done').length === current.fleet.devices.length,
      `${current.fleet.devices.length} verified devices`,
      40_000,
    );
  } finally {
    clearInterval(sampler);
  }
  return { batchId: view.batch?.id ?? '', sampledMax };
}

describe('a batch of ten on the sandbox and simulated devices', () => {
  it('provisions ten devices one after another in one bay', async () => {
    rig = await startEngineRig({ baudRate: FAST_BAUD, devices: 10, seed: 101 });
    const { batchId, sampledMax } = await runBatch(1);
    expect(maxRunsInSlotPhases(rig.stack.journal, batchId)).toBe(1);
    expect(sampledMax).toBe(1);
    const audit = expectEverythingAgrees(rig, batchId, {
      provisioned: rig.fleet.devices.map((device) => device.info.serialNumber),
    });
    expect(rig.stack.claims.outstanding()).toBe(0);
    expect(audit.every((row) => row.mode === 'csr')).toBe(true);
  });

  it('provisions ten devices in four parallel bays, never more than four at once', async () => {
    rig = await startEngineRig({ baudRate: FAST_BAUD, devices: 10, seed: 104, modes: ['keys'] });
    const { batchId, sampledMax } = await runBatch(4);
    // The journal's commit order is the truth: exactly four at the busiest moment.
    expect(maxRunsInSlotPhases(rig.stack.journal, batchId)).toBe(4);
    expect(sampledMax).toBeGreaterThanOrEqual(2);
    expect(sampledMax).toBeLessThanOrEqual(4);
    const audit = expectEverythingAgrees(rig, batchId, {
      provisioned: rig.fleet.devices.map((device) => device.info.serialNumber),
    });
    expect(audit.every((row) => row.mode === 'keys')).toBe(true);
    expect(rig.stack.claims.outstanding()).toBe(0);
  });
});

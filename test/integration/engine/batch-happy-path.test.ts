import { afterEach, describe, expect, it } from 'vitest';
import { startEngineRig, waitUntil, type EngineRig } from './engine-fixture.js';

let rig: EngineRig | undefined;
afterEach(async () => {
  await rig?.dispose();
  rig = undefined;
});

describe('batch engine on the sandbox and simulated devices', () => {
  it('provisions and verifies three devices sequentially', async () => {
    rig = await startEngineRig({ devices: 3 });
    const { engine } = rig.stack;
    await engine.startBatch({
      label: 'smoke',
      templateName: rig.sandbox.profile.iot.templateName,
      parameters: {},
      targetCount: null,
      bays: 1,
    });
    rig.plugAll();
    await waitUntil(
      () => engine.view().runs.filter((run) => run.phase === 'done').length === 3,
      'three verified devices',
      30_000,
    );
    const view = engine.view();
    for (const run of view.runs) {
      expect(run.thingName).toBe(run.serialNumber);
      const thing = rig.sandbox.registry.getThing(run.thingName ?? '');
      expect(thing?.attributes).toMatchObject({
        batchId: view.batch?.id,
        stationId: 'bench-test-1',
        operator: 'installer',
      });
    }
    expect(rig.stack.claims.outstanding()).toBe(0);
    expect(rig.stack.journal.audit({ batchId: view.batch?.id }).map((row) => row.outcome)).toEqual([
      'provisioned',
      'provisioned',
      'provisioned',
    ]);
  });
});

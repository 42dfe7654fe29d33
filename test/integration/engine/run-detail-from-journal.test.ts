import { afterEach, describe, expect, it } from 'vitest';
import { responseSchemas } from '../../../src/shared/ipc-output-schemas.js';
import type { RunDetailView } from '../../../src/shared/view-models.js';
import { FAST_BAUD, startEngineRig, waitUntil, type EngineRig } from './engine-fixture.js';

let rig: EngineRig | undefined;
afterEach(async () => {
  await rig?.dispose();
  rig = undefined;
});

/** What the renderer would receive: the answer must pass the channel's strict output schema. */
function asSent(detail: RunDetailView): RunDetailView {
  return responseSchemas['runs.detail'].parse(detail);
}

describe('device detail of a run that is no longer in the open batch', () => {
  it('is answered from the journal after another batch started, and again after a restart', async () => {
    rig = await startEngineRig({ devices: 2, seed: 83, baudRate: FAST_BAUD });
    const [first, second] = rig.fleet.devices;
    if (!first || !second) throw new Error('the rig made fewer than two devices');
    const templateName = rig.profile.iot.templateName;
    const batch = { parameters: {}, targetCount: null, bays: 1 };

    const { engine } = rig.stack;
    await engine.startBatch({ label: 'first', templateName, ...batch });
    rig.plug([first]);
    await waitUntil(
      () => engine.view().runs.some((run) => run.phase === 'done'),
      'the first device verified',
    );
    const runId = engine.view().runs[0]?.runId ?? '';
    const live = asSent(engine.detail(runId));
    expect(live.deviceLog.length).toBeGreaterThan(0);
    engine.finish();
    // Its cable pulled before the next batch, as a bench would do.
    engine.portsChanged([], [first.info.path]);

    await engine.startBatch({ label: 'second', templateName, ...batch });
    rig.plug([second]);
    await waitUntil(
      () => engine.view().runs.some((run) => run.phase === 'done'),
      'the second device verified',
    );
    expect(engine.view().runs.map((run) => run.runId)).not.toContain(runId);

    const recorded = asSent(engine.detail(runId));
    expect(recorded.run).toMatchObject({
      runId,
      phase: 'done',
      serialNumber: first.info.serialNumber,
      thingName: first.info.serialNumber,
    });
    expect(recorded.run.certificateId).toBe(live.run.certificateId);
    expect(recorded.timeline).toEqual(live.timeline);
    expect(recorded.timeline.at(-1)?.phase).toBe('done');
    expect(recorded.timeline.map((entry) => entry.event)).toContain('verified');
    // Device log lines are kept in memory for the open batch only.
    expect(recorded.deviceLog).toEqual([]);

    // A restarted station (same data folder) reopens the second batch, which is still open.
    const restarted = (await rig.openStack()).engine;
    restarted.load();
    expect(asSent(restarted.detail(runId))).toEqual(recorded);
    expect(() => restarted.detail('no-such-run')).toThrow('The station has no record of that device run.');
  });
});

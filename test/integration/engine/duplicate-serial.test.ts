import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceFleet } from '../../../sandbox/devices/device-fleet.js';
import { FAST_BAUD, startEngineRig, waitUntil, type EngineRig } from './engine-fixture.js';

let rig: EngineRig | undefined;
let twin: DeviceFleet | undefined;
afterEach(async () => {
  await twin?.stop();
  await rig?.dispose();
  rig = twin = undefined;
});

describe('two devices answering with one serial number (a factory fault)', () => {
  it('keeps the first device on its run and leaves the second untouched, saying why', async () => {
    rig = await startEngineRig({ devices: 1, seed: 41, baudRate: FAST_BAUD });
    // A second fleet with the same seed makes a device with the very same serial number.
    twin = await DeviceFleet.start({ count: 1, seed: 41, baudRate: FAST_BAUD, dir: join(rig.root, 'twin') });
    const first = rig.fleet.devices[0];
    const second = twin.devices[0];
    expect(second?.info.serialNumber).toBe(first?.info.serialNumber);
    const { engine } = rig.stack;
    await engine.startBatch({
      label: 'twins',
      templateName: rig.profile.iot.templateName,
      parameters: {},
      targetCount: null,
      bays: 2,
    });
    rig.plugAll();
    await waitUntil(
      () => engine.view().runs.some((run) => run.phase === 'provisioning'),
      'the first device provisioning',
    );
    engine.portsChanged([{ path: second?.info.path ?? '', location: null }], []);
    await waitUntil(
      () => engine.view().bays.some((bay) => bay.portPath === second?.info.path && bay.status === 'released'),
      'the twin turned away',
    );
    await waitUntil(
      () => engine.view().runs.every((run) => run.phase === 'done'),
      'the first device verified',
    );
    const view = engine.view();
    expect(view.runs).toHaveLength(1);
    expect(view.runs[0]?.portPath).toBe(first?.info.path);
    expect(view.bays.find((bay) => bay.portPath === second?.info.path)?.message).toMatch(
      /already connected on .*report the duplicate serial number/,
    );
    expect(second?.store.load()).toBeUndefined();
  });
});

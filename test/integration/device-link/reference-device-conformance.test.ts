import { afterEach, describe, it } from 'vitest';
import { startRig } from './link-fixture.js';
import type { LinkRig } from './link-fixture.js';
import { checkDeviceConformance, checkUnacknowledgedOutcome, RawStation } from './raw-conformance.js';

let rig: LinkRig | undefined;
let station: RawStation | undefined;
afterEach(async () => {
  await station?.close();
  station = undefined;
  await rig?.dispose();
  rig = undefined;
});

describe('the reference device (sandbox/devices) answers as docs/device-protocol.md says', () => {
  it('MALFORMED first, version NAK with its versions, fresh answers after any other request, expiry', async () => {
    rig = await startRig({ rxBuffer: 256 });
    await rig.link.close();
    station = await RawStation.open(rig.device.info.path);
    await checkDeviceConformance(station, 'SIM-TEST-1');
  });

  it('repeats an unacknowledged RESULT with its ProvisionSeq while idle, until the next PROVISION', async () => {
    rig = await startRig({});
    await rig.link.close();
    station = await RawStation.open(rig.device.info.path);
    await checkUnacknowledgedOutcome(station, 'SIM-TEST-1');
  });
});

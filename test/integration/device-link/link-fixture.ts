import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceLink } from '../../../src/main/core/device-link/device-link.js';
import type { LinkResult } from '../../../src/main/core/device-link/link-outcome.js';
import type { FaultName } from '../../../sandbox/devices/device-faults.js';
import type { DeviceIdentityStore } from '../../../sandbox/devices/device-identity-store.js';
import { OfflineProvisioner } from '../../../sandbox/devices/offline-provisioner.js';
import type { Provisioner } from '../../../sandbox/devices/provisioner.js';
import { SimulatedDevice } from '../../../sandbox/devices/simulated-device.js';

export const BAUD = 115200;

export interface LinkRig {
  device: SimulatedDevice;
  link: DeviceLink;
  /** Every string the link emitted (log lines, progress, failure messages), for secret checks. */
  emitted: string[];
  logs: string[];
  reopen(): Promise<DeviceLink>;
  dispose(): Promise<void>;
}

/** A simulated device on a real pty pair and the station's link opened on the other end. */
export async function startRig(options: {
  faults?: FaultName[];
  seed?: number;
  serialNumber?: string;
  rxBuffer?: number;
  provisioner?: (store: DeviceIdentityStore) => Provisioner;
}): Promise<LinkRig> {
  const dir = mkdtempSync(join(tmpdir(), 'device-link-'));
  const device = new SimulatedDevice({
    serialNumber: options.serialNumber ?? 'SIM-TEST-1',
    stationPath: join(dir, 'station'),
    devicePath: join(dir, 'device'),
    storeDir: join(dir, 'flash'),
    baudRate: BAUD,
    seed: options.seed ?? 11,
    faults: new Set(options.faults ?? []),
    ...(options.rxBuffer ? { rxBuffer: options.rxBuffer } : {}),
    provisioner: options.provisioner ?? (() => new OfflineProvisioner(3)),
    unplugMs: 300,
  });
  await device.start();
  const emitted: string[] = [];
  const logs: string[] = [];
  const links: DeviceLink[] = [];
  const open = async () => {
    const opened = await DeviceLink.open(join(dir, 'station'), { baudRate: BAUD });
    if (!opened.ok) throw new Error(opened.failure.message);
    const link = opened.value;
    link.on('log', (line) => {
      logs.push(line);
      emitted.push(line);
    });
    link.on('progress', (update) => emitted.push(JSON.stringify(update)));
    link.on('transfer', (update) => emitted.push(JSON.stringify(update)));
    links.push(link);
    return link;
  };
  const rig: LinkRig = {
    device,
    link: await open(),
    emitted,
    logs,
    reopen: async () => (rig.link = await open()),
    dispose: async () => {
      for (const link of links) await link.close();
      await device.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

/** The value of a successful link result; throws with the failure's kind and message otherwise. */
export function value<T>(result: LinkResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.failure.kind}: ${result.failure.message}`);
  return result.value;
}

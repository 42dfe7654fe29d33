import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProvisioningMode } from '../../src/main/core/device-link/protocol-constants.js';
import { faultsFor } from './device-faults.js';
import type { FaultSpec } from './device-faults.js';
import type { DeviceIdentityStore } from './device-identity-store.js';
import { FleetProvisioningClient } from './fleet-provisioning-client.js';
import { OfflineProvisioner } from './offline-provisioner.js';
import type { Provisioner } from './provisioner.js';
import { SimulatedDevice } from './simulated-device.js';
import { writeFileAtomically } from '../state-file.js';
import type { SimulatedDeviceInfo } from './simulated-device.js';

export interface DeviceFleetOptions {
  count: number;
  seed: number;
  baudRate: number;
  /** Folder for the pty links, the devices' flash and the manifest. */
  dir: string;
  modes?: ProvisioningMode[];
  rxBuffer?: number;
  faults?: FaultSpec[];
  /** 'mqtt' (default) runs Fleet Provisioning against the endpoint in the claim; 'offline' needs no cloud. */
  cloud?: 'mqtt' | 'offline';
  /** How long the cable stays out for unplug-mid-transfer (the device's default when absent). */
  unplugMs?: number;
}

export interface DeviceManifest {
  seed: number;
  baudRate: number;
  startedAt: string;
  devices: SimulatedDeviceInfo[];
}

export const MANIFEST_FILE = 'devices.json';

/** Serial numbers are a function of seed and index, so a run is reproducible. */
export function simulatedSerialNumber(seed: number, index: number): string {
  return `SIM${(seed >>> 0).toString(16).toUpperCase().padStart(4, '0')}-${String(index + 1).padStart(3, '0')}`;
}

/** N simulated devices, each on its own pty, and the manifest the station reads to find them. */
export class DeviceFleet {
  readonly devices: SimulatedDevice[] = [];
  readonly manifestPath: string;

  private constructor(private readonly dir: string) {
    this.manifestPath = join(dir, MANIFEST_FILE);
  }

  static async start(options: DeviceFleetOptions): Promise<DeviceFleet> {
    const dir = resolve(options.dir);
    mkdirSync(join(dir, 'flash'), { recursive: true, mode: 0o700 });
    const fleet = new DeviceFleet(dir);
    const makeProvisioner = (store: DeviceIdentityStore): Provisioner =>
      options.cloud === 'offline' ? new OfflineProvisioner() : new FleetProvisioningClient({ store });
    try {
      for (let index = 0; index < options.count; index++) {
        const serialNumber = simulatedSerialNumber(options.seed, index);
        const device = new SimulatedDevice({
          serialNumber,
          stationPath: join(dir, `tty-${serialNumber}`),
          devicePath: join(dir, `.device-end-${serialNumber}`),
          storeDir: join(dir, 'flash', serialNumber),
          baudRate: options.baudRate,
          ...(options.rxBuffer ? { rxBuffer: options.rxBuffer } : {}),
          ...(options.modes ? { modes: options.modes } : {}),
          ...(options.unplugMs !== undefined ? { unplugMs: options.unplugMs } : {}),
          faults: faultsFor(options.faults ?? [], index, serialNumber),
          seed: (options.seed * 1000 + index) >>> 0,
          provisioner: makeProvisioner,
        });
        await device.start();
        fleet.devices.push(device);
      }
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    fleet.writeManifest(options);
    return fleet;
  }

  private writeManifest(options: DeviceFleetOptions): void {
    const manifest: DeviceManifest = {
      seed: options.seed,
      baudRate: options.baudRate,
      startedAt: new Date().toISOString(),
      devices: this.devices.map((device) => device.info),
    };
    writeFileAtomically(this.manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, 0o644);
  }

  /** Stops every device, removes their ptys and the manifest (the flash stays). */
  async stop(): Promise<void> {
    await Promise.all(this.devices.map((device) => device.stop()));
    rmSync(this.manifestPath, { force: true });
  }
}

import type { StationProfile } from '../src/shared/station-profile-schema.js';

/**
 * What the engine benchmark's station process and its "world" process (sandbox + simulated devices,
 * everything that is not the station) say to each other over the fork IPC channel. Plain JSON.
 */

export interface WorldSettings {
  /** Folder for the ptys and the devices' flash. */
  dir: string;
  baudRate: number;
  rxBuffer: number;
  /** Raised sandbox limits (AWS defaults: RegisterThing 10/s, control plane 10/s per operation). */
  registerThingPerSecond: number;
  controlPlaneTps: number;
}

/** A device to put on a port: a new serial number and empty flash. */
export interface PlugSpec {
  port: string;
  serialNumber: string;
  /** The device's UART rate when it is not the world's (settings.baudRate). */
  baudRate?: number;
}

export type WorldRequest =
  | { id: number; type: 'plug'; devices: PlugSpec[] }
  /** Pulls the cable of each port's device (the device is gone for good). */
  | { id: number; type: 'unplug'; ports: string[] }
  /** CPU time so far (ms) of the world process and its socat children. */
  | { id: number; type: 'cpu' }
  | { id: number; type: 'stop' };

export type WorldMessage =
  | {
      type: 'ready';
      profile: StationProfile;
      installer: { username: string; password: string };
    }
  | { type: 'reply'; id: number; paths?: string[]; cpuMs?: number; error?: string }
  /** The device's own Fleet Provisioning run, timed inside the simulator (PROVISION to outcome). */
  | { type: 'provisioned'; serialNumber: string; ms: number; ok: boolean };

/**
 * Bays are the physical places a device is plugged in. A bay is known by its USB location where the
 * OS gives one (the same socket keeps its bay when the COM port is renamed) and by its port path
 * otherwise (pseudo-terminals, adapters without a location). The device in it is known by the
 * serial number from its HELLO, so a re-plug into another socket or the port that comes back
 * after a reboot finds the same device run instead of making a new one.
 */
export type BayStatus = 'probing' | 'no-answer' | 'device' | 'released';

export interface Bay {
  bayId: string;
  portPath: string;
  location: string | null;
  status: BayStatus;
  serialNumber: string | null;
  runId: string | null;
  /** Why the bay has no device run (e.g. the port does not answer), in plain words. */
  message: string | null;
  seenAt: number;
}

export function bayIdFor(port: { path: string; location: string | null }): string {
  return port.location ? `usb:${port.location}` : `port:${port.path}`;
}

export class BayTracker {
  private readonly byPath = new Map<string, Bay>();

  /** A port appeared (or was added by hand); returns its bay, new or already tracked. */
  portAdded(port: { path: string; location: string | null }, at: number): Bay {
    const existing = this.byPath.get(port.path);
    if (existing) return existing;
    const bay: Bay = {
      bayId: bayIdFor(port),
      portPath: port.path,
      location: port.location,
      status: 'probing',
      serialNumber: null,
      runId: null,
      message: null,
      seenAt: at,
    };
    this.byPath.set(port.path, bay);
    return bay;
  }

  portRemoved(path: string): Bay | undefined {
    const bay = this.byPath.get(path);
    this.byPath.delete(path);
    return bay;
  }

  get(path: string): Bay | undefined {
    return this.byPath.get(path);
  }

  update(path: string, patch: Partial<Omit<Bay, 'bayId' | 'portPath' | 'location'>>): Bay | undefined {
    const bay = this.byPath.get(path);
    if (!bay) return undefined;
    Object.assign(bay, patch);
    return bay;
  }

  /** The bay whose device has this serial number, if one is plugged in now. */
  withSerial(serialNumber: string): Bay | undefined {
    for (const bay of this.byPath.values()) if (bay.serialNumber === serialNumber) return bay;
    return undefined;
  }

  list(): Bay[] {
    return [...this.byPath.values()].sort((a, b) => a.bayId.localeCompare(b.bayId));
  }
}

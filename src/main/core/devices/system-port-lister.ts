import { execFile } from 'node:child_process';
import type { SerialDeviceView } from '../../../shared/view-models.js';

/** The fields of a `SerialPort.list()` entry the station uses. */
export interface PortInfo {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  locationId?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

export type SystemPortLister = () => Promise<SerialDeviceView[]>;

/**
 * Lists the OS's serial ports through serialport. On Linux serialport runs `udevadm` and crashes
 * the process with an unhandled 'error' event when it is missing, so its presence is checked first;
 * without it the station lists only configured ports and says why once.
 */
export function createSystemPortLister(log: (line: string) => void = console.warn): SystemPortLister {
  let udevChecked: Promise<boolean> | undefined;
  let warned = false;
  return async () => {
    if (process.platform === 'linux') {
      udevChecked ??= hasCommand('udevadm');
      if (!(await udevChecked)) {
        if (!warned) {
          log(
            'devices: udevadm is not installed, so USB serial ports cannot be listed; install udev or configure port paths.',
          );
          warned = true;
        }
        return [];
      }
    }
    const { SerialPort } = await import('serialport');
    const ports = await SerialPort.list();
    return ports.map(toDeviceView);
  };
}

export function toDeviceView(port: PortInfo): SerialDeviceView {
  return {
    path: port.path,
    source: 'system',
    vendorId: normaliseUsbId(port.vendorId),
    productId: normaliseUsbId(port.productId),
    serialNumber: port.serialNumber?.trim() || null,
    manufacturer: port.manufacturer?.trim() || null,
    location: port.locationId?.trim() || null,
  };
}

/** USB ids arrive as "0403", "403" or "0x0403" depending on the OS; the station shows four hex digits. */
function normaliseUsbId(value: string | undefined): string | null {
  if (!value) return null;
  const hex = value.trim().toLowerCase().replace(/^0x/, '');
  return /^[0-9a-f]{1,4}$/.test(hex) ? hex.padStart(4, '0') : null;
}

function hasCommand(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(name, ['--version'], { timeout: 5000 }, (error) => resolve(!error));
  });
}

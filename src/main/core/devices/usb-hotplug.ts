import { existsSync } from 'node:fs';

export interface UsbHotplug {
  mode: 'hotplug' | 'polling';
  stop(): void;
}

/**
 * Calls onChange when a USB device is attached or detached, where the OS lets `usb` watch.
 * Where it cannot (no /sys/bus/usb in a container, no libusb), it says so by returning
 * mode 'polling' and the caller keeps polling; it never throws or leaves a rejection behind.
 */
export async function startUsbHotplug(
  onChange: () => void,
  log: (line: string) => void = console.warn,
): Promise<UsbHotplug> {
  const polling: UsbHotplug = { mode: 'polling', stop: () => undefined };
  // usb@3 rejects (and its listener raises an unhandled rejection) without /sys/bus/usb.
  if (process.platform === 'linux' && !existsSync('/sys/bus/usb')) return polling;
  try {
    const { usb } = await import('usb');
    const listener = () => onChange();
    usb.addEventListener('connect', listener);
    usb.addEventListener('disconnect', listener);
    return {
      mode: 'hotplug',
      stop: () => {
        usb.removeEventListener('connect', listener);
        usb.removeEventListener('disconnect', listener);
      },
    };
  } catch (error) {
    log(`devices: USB hotplug unavailable (${(error as Error).message}); polling instead.`);
    return polling;
  }
}

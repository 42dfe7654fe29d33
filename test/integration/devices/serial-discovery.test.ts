import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SerialDiscovery } from '../../../src/main/core/devices/serial-discovery.js';
import { createSystemPortLister, toDeviceView } from '../../../src/main/core/devices/system-port-lister.js';
import { startUsbHotplug } from '../../../src/main/core/devices/usb-hotplug.js';
import type { SerialDeviceChange } from '../../../src/shared/view-models.js';
import { PtyPair } from '../../../sandbox/devices/pty-pair.js';

describe('serial discovery on real pseudo-terminals', () => {
  let directory: string;
  let discovery: SerialDiscovery | undefined;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'station-discovery-'));
  });
  afterEach(() => {
    discovery?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  function nextChange(target: SerialDiscovery): Promise<SerialDeviceChange> {
    return new Promise((resolve) => target.once('changed', resolve));
  }

  it('sees a configured pseudo-terminal appear and disappear', async () => {
    discovery = new SerialDiscovery({
      listSystemPorts: async () => [],
      configuredPatterns: [join(directory, 'tty-*')],
      pollIntervalMs: 50,
      useUsbHotplug: false,
    });
    await discovery.start();
    expect(discovery.snapshot().devices).toEqual([]);

    const appeared = nextChange(discovery);
    const pair = await PtyPair.create(join(directory, 'tty-a'), join(directory, 'device-a'));
    const added = await appeared;
    expect(added.added.map((device) => device.path)).toEqual([join(directory, 'tty-a')]);
    expect(added.added[0]?.source).toBe('configured');
    // The device end does not match the glob and must not be listed.
    expect(discovery.snapshot().devices.map((device) => device.path)).toEqual([join(directory, 'tty-a')]);

    const gone = nextChange(discovery);
    await pair.destroy();
    expect((await gone).removed).toEqual([join(directory, 'tty-a')]);
    expect(discovery.snapshot().devices).toEqual([]);
  });

  it('does not list regular files that match a glob', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(directory, 'tty-not-a-port'), 'x');
    discovery = new SerialDiscovery({
      listSystemPorts: async () => [],
      configuredPatterns: [join(directory, 'tty-*')],
      useUsbHotplug: false,
    });
    await discovery.start();
    expect(discovery.snapshot().devices).toEqual([]);
  });

  it('keeps the last list when the OS listing fails, and reports it', async () => {
    let fail = false;
    const log: string[] = [];
    discovery = new SerialDiscovery({
      listSystemPorts: async () => {
        if (fail) throw new Error('udev went away');
        return [
          toDeviceView({
            path: '/dev/ttyUSB0',
            vendorId: '403',
            productId: '0x6001',
            serialNumber: ' FT123 ',
          }),
        ];
      },
      useUsbHotplug: false,
      log: (line) => log.push(line),
    });
    await discovery.start();
    expect(discovery.snapshot().devices).toEqual([
      {
        path: '/dev/ttyUSB0',
        source: 'system',
        vendorId: '0403',
        productId: '6001',
        serialNumber: 'FT123',
        manufacturer: null,
        location: null,
      },
    ]);
    fail = true;
    await discovery.rescan();
    expect(discovery.snapshot().devices).toHaveLength(1);
    expect(log.join('\n')).toContain('udev went away');
  });

  it('lists the real system ports without crashing', async () => {
    const ports = await createSystemPortLister(() => undefined)();
    expect(Array.isArray(ports)).toBe(true);
    for (const port of ports) expect(port.source).toBe('system');
  });

  it('falls back to polling where USB cannot be watched, without unhandled rejections', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const hotplug = await startUsbHotplug(
        () => undefined,
        () => undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      hotplug.stop();
      const { existsSync } = await import('node:fs');
      if (!existsSync('/sys/bus/usb')) expect(hotplug.mode).toBe('polling');
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});

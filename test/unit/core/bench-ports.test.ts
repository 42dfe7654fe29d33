import { describe, expect, it } from 'vitest';
import { benchPorts } from '../../../src/main/core/station-core.js';
import type { SerialDeviceView } from '../../../src/shared/view-models.js';

const port = (
  path: string,
  source: SerialDeviceView['source'],
  vendorId: string | null,
): SerialDeviceView => ({
  path,
  source,
  vendorId,
  productId: vendorId ? '6001' : null,
  serialNumber: null,
  manufacturer: null,
  location: vendorId ? '1-1.2' : null,
});

describe('benchPorts', () => {
  it('hands the engine USB adapters and configured paths, never a built-in UART', () => {
    const ports = [
      port('/dev/ttyS0', 'system', null),
      port('/dev/ttyUSB0', 'system', '0403'),
      port('/tmp/devices/tty-SIM-1', 'configured', null),
    ];
    expect(benchPorts(ports)).toEqual([
      { path: '/dev/ttyUSB0', location: '1-1.2' },
      { path: '/tmp/devices/tty-SIM-1', location: null },
    ]);
  });
});

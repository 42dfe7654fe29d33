import type { SerialDeviceView } from './view-models.js';

/**
 * Which ports the bench uses: USB serial adapters and paths the operator configured. Built-in UARTs
 * (/dev/ttyS0, COM1) are listed but never probed: a HELLO there could reach a modem or a console.
 */
export function isBenchPort(port: Pick<SerialDeviceView, 'source' | 'vendorId'>): boolean {
  return port.source === 'configured' || port.vendorId !== null;
}

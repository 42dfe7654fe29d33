import { z } from 'zod';
import type { EventChannelName, InvokeChannelName } from './ipc-channels.js';
import type { AppInfo, SerialDeviceChange, SerialDeviceList } from './view-models.js';

/**
 * The one IPC contract. Each invoke channel names its argument schema (zod, validated in main
 * before any handler runs) and its response type; each event channel names its payload type.
 * Main registers handlers only through src/main/core/ipc/register-handlers.ts, the preload exposes
 * only the named functions built by src/preload/station-api.ts.
 */

/** A serial port path or glob the operator adds: absolute, printable, no NULs, bounded. */
const portPattern = z
  .string()
  .trim()
  .min(1, 'A port path cannot be empty.')
  .max(512, 'A port path is at most 512 characters.')
  .refine((value) => !/[\0\r\n]/.test(value), 'A port path cannot contain control characters.')
  .refine(
    (value) => value.startsWith('/') || /^COM\d+$/i.test(value) || value.startsWith('\\\\.\\'),
    'A port path must be absolute (/dev/ttyUSB0, /tmp/devices/*) or a COM port (COM3).',
  );

export const invokeSchemas = {
  'app.info': z.tuple([]),
  'devices.list': z.tuple([]),
  'devices.configurePorts': z.tuple([
    z.array(portPattern).max(64, 'At most 64 configured port paths are supported.'),
  ]),
} as const;

export interface InvokeResponses {
  'app.info': AppInfo;
  'devices.list': SerialDeviceList;
  'devices.configurePorts': SerialDeviceList;
}

export interface EventPayloads {
  'devices.changed': SerialDeviceChange;
}

export type InvokeChannel = InvokeChannelName;
export type EventChannel = EventChannelName;
export type InvokeArgs<C extends InvokeChannel> = z.infer<(typeof invokeSchemas)[C]>;

// Compile-time checks that the channel-name lists and the schemas/types describe the same channels.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemasMatchNames: Same<keyof typeof invokeSchemas, InvokeChannelName> = true;
const responsesMatchNames: Same<keyof InvokeResponses, InvokeChannelName> = true;
const eventsMatchNames: Same<keyof EventPayloads, EventChannelName> = true;
void [schemasMatchNames, responsesMatchNames, eventsMatchNames];

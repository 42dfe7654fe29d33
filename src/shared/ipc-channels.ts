/**
 * Channel names only, free of zod, so the sandboxed preload (which cannot load npm modules at run
 * time) bundles nothing but these strings. src/shared/ipc-contract.ts holds the schemas and types.
 */
export const invokeChannelNames = ['app.info', 'devices.list', 'devices.configurePorts'] as const;
export const eventChannelNames = ['devices.changed'] as const;

export type InvokeChannelName = (typeof invokeChannelNames)[number];
export type EventChannelName = (typeof eventChannelNames)[number];

export function isEventChannel(value: string): value is EventChannelName {
  return (eventChannelNames as readonly string[]).includes(value);
}

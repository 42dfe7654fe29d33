/**
 * Channel names only, free of zod, so the sandboxed preload (which cannot load npm modules at run
 * time) bundles nothing but these strings. src/shared/ipc-contract.ts holds the schemas and types.
 */
export const invokeChannelNames = [
  'app.info',
  'devices.list',
  'devices.configurePorts',
  'profile.get',
  'profile.use',
  'session.get',
  'session.signIn',
  'session.answer',
  'session.signOut',
  'templates.list',
  'templates.describe',
  'batch.get',
  'batch.start',
  'batch.pause',
  'batch.resume',
  'batch.cancel',
  'batch.finish',
  'bays.probe',
  'runs.retry',
  'runs.cancel',
  'runs.confirmReprovision',
  'runs.detail',
  'history.batches',
  'history.audit',
  'history.export',
  'health.check',
  'health.report',
  'logs.folder',
  'logs.openFolder',
  'diagnostics.report',
] as const;
export const eventChannelNames = ['devices.changed', 'session.changed', 'batch.changed'] as const;

export type InvokeChannelName = (typeof invokeChannelNames)[number];
export type EventChannelName = (typeof eventChannelNames)[number];

export function isEventChannel(value: string): value is EventChannelName {
  return (eventChannelNames as readonly string[]).includes(value);
}

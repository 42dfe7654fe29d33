/** The device link: the station's side of docs/device-protocol.md. Plain Node, no Electron. */
export { DeviceLink } from './device-link.js';
export type {
  ClaimDelivery,
  DeviceLinkEvents,
  DeviceLinkOptions,
  LinkStats,
  ProgressUpdate,
  ProvisionOptions,
  TransferUpdate,
} from './device-link.js';
export { SerialPortTransport } from './byte-transport.js';
export type { ByteTransport } from './byte-transport.js';
export { EncodedClaim, deviceClaimSchema } from './claim-blob.js';
export type { DeviceClaim } from './claim-blob.js';
export type { LinkFailure, LinkFailureKind, LinkResult } from './link-outcome.js';
export type { DeviceHello, ProvisioningFailure, ProvisioningResult } from './protocol-messages.js';
export type { ProvisioningMode } from './protocol-constants.js';
export { PROTOCOL_VERSION, errorCodeName, progressStageName } from './protocol-constants.js';
export { readDeviceManifest, deviceManifestSchema } from './device-manifest.js';
export type { DeviceManifest } from './device-manifest.js';

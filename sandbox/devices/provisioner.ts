import type { DecodedClaim } from '../../src/main/core/device-link/claim-blob.js';
import type { ProvisioningMode } from '../../src/main/core/device-link/protocol-constants.js';
import type {
  ProvisioningFailure,
  ProvisioningResult,
} from '../../src/main/core/device-link/protocol-messages.js';

/** A permanent identity a device holds after provisioning. */
export interface DeviceIdentity {
  thingName: string;
  certificateId: string;
  certificatePem: string;
  privateKeyPem: string;
}

export interface ProvisionInput {
  claim: DecodedClaim;
  mode: ProvisioningMode;
  serialNumber: string;
  /** MQTT client id for the claim connection, new for every attempt (docs/device-protocol.md 6.1). */
  claimClientId: string;
  signal: AbortSignal;
  /** Fault injection: send a damaged ownership token so AWS rejects RegisterThing. */
  tamperOwnershipToken?: boolean;
  onProgress: (stage: number, detail?: string) => void;
}

export type ProvisionOutcome =
  | { ok: true; result: ProvisioningResult; identity: DeviceIdentity }
  | { ok: false; failure: ProvisioningFailure };

/** The cloud half of a device: runs Fleet Provisioning with a delivered claim. */
export interface Provisioner {
  provision(input: ProvisionInput): Promise<ProvisionOutcome>;
}

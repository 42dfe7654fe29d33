import type { EncodedClaim } from '../device-link/claim-blob.js';
import type { DeviceLink } from '../device-link/device-link.js';
import type { LinkResult } from '../device-link/link-outcome.js';
import type { ProvisionedIdentity } from './run-state.js';

/**
 * What the engine needs from the rest of the core, as narrow interfaces: the claim manager, the
 * registry client and the serial ports. The real ones (claims/, aws/, device-link/) satisfy them;
 * nothing here knows whether the other side is the sandbox or AWS.
 */

export interface ClaimLeasePort {
  readonly claimId: string;
  readonly certificateId: string;
  readonly expiresAt: number;
  /** The encoded claim; throws when too little validity is left or the lease was wiped. */
  forDelivery(): EncodedClaim;
  wipe(): void;
}

export interface ClaimsPort {
  request(
    input: { runId: string; templateName: string; templateParameters: Record<string, string> },
    signal?: AbortSignal,
  ): Promise<ClaimLeasePort>;
  wipeAll(): void;
}

export type VerificationPortOutcome =
  { ok: true; otherCertificateIds: string[] } | { ok: false; code: string; message: string; hint: string };

export interface RegistryPort {
  describeTemplate(
    name: string,
    signal?: AbortSignal,
  ): Promise<{
    name: string;
    enabled: boolean;
    parameters: { name: string; type: string; default: string | null }[];
  }>;
  verifyProvisioned(expected: ProvisionedIdentity, signal?: AbortSignal): Promise<VerificationPortOutcome>;
  retireCertificate(
    input: { thingName: string; certificateId: string },
    signal?: AbortSignal,
  ): Promise<{ outcome: 'retired' } | { outcome: 'left-for-admin'; reason: string }>;
}

export type LinkOpener = (path: string) => Promise<LinkResult<DeviceLink>>;

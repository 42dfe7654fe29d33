import type { DeviceHello, ProvisioningFailure } from './protocol-messages.js';

/**
 * Every way a link operation can end other than success. Each carries a sentence for the operator
 * that says what happened and what to do; none ever carries claim or key material.
 */
export type LinkFailure =
  | { kind: 'open-failed'; message: string }
  | { kind: 'no-response'; message: string }
  | { kind: 'disconnected'; message: string }
  | { kind: 'device-rebooted'; message: string; hello?: DeviceHello }
  | { kind: 'rejected'; message: string; code: number; codeName: string }
  | { kind: 'transfer-failed'; message: string; heldBytes: number }
  | { kind: 'provisioning-failed'; message: string; failure: ProvisioningFailure; codeName: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'aborted'; message: string }
  | {
      kind: 'protocol-error';
      message: string;
      /** NAK VERSION_UNSUPPORTED: what the device serves. */ deviceVersions?: number[];
    }
  | { kind: 'busy'; message: string }
  | { kind: 'closed'; message: string };

export type LinkFailureKind = LinkFailure['kind'];

export type LinkResult<T> = { ok: true; value: T } | { ok: false; failure: LinkFailure };

export function succeed<T>(value: T): LinkResult<T> {
  return { ok: true, value };
}

export function fail<T>(failure: LinkFailure): LinkResult<T> {
  return { ok: false, failure };
}

/** Thrown inside the link to unwind an operation; never escapes the public API. */
export class LinkInterrupt extends Error {
  constructor(readonly failure: LinkFailure) {
    super(failure.message);
  }
}

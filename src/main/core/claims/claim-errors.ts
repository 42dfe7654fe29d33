import { StationError } from '../station-error.js';

/**
 * The claim manager's failures, each with a stable `code` the engine can map to a run failure. The
 * messages name runs, ids, fields and times only — never certificate, key or parameter text.
 */

/** The claim has less validity left than the station requires before handing it to a device. */
export class ClaimTooCloseToExpiryError extends StationError {
  readonly code = 'CLAIM_TOO_CLOSE_TO_EXPIRY';

  constructor(
    message: string,
    readonly remainingMs: number,
    readonly minValidityMs: number,
  ) {
    super(message);
    this.name = 'ClaimTooCloseToExpiryError';
  }
}

/** CreateProvisioningClaim answered with something a device could not use; the answer was discarded. */
export class ClaimAnswerInvalidError extends StationError {
  readonly code = 'CLAIM_ANSWER_INVALID';

  constructor(
    /** The answer's field at fault, e.g. `certificatePem` or `keyPair.PrivateKey`. */
    readonly field: string,
    problem: string,
  ) {
    super(
      `AWS IoT CreateProvisioningClaim answered with an unusable claim: ${field} ${problem}. ` +
        'The answer was discarded and no device received it; press Retry. If it happens again, ' +
        "check that the profile's control-plane endpoint is AWS IoT (or the sandbox).",
    );
    this.name = 'ClaimAnswerInvalidError';
  }
}

/** The lease's bytes are gone (delivered, aborted, expired, or wiped at sign-out). */
export class ClaimWipedError extends StationError {
  readonly code = 'CLAIM_WIPED';

  constructor(runId: string, claimId: string) {
    super(
      `The claim ${claimId} of run ${runId} was already wiped; it cannot be sent again. ` +
        'Press Retry to start the device with a fresh claim.',
    );
    this.name = 'ClaimWipedError';
  }
}

/** A request the manager refuses because granting it would break a claim rule (never shared, never reused). */
export class ClaimRequestRefusedError extends StationError {
  readonly code = 'CLAIM_REQUEST_REFUSED';

  constructor(message: string) {
    super(message);
    this.name = 'ClaimRequestRefusedError';
  }
}

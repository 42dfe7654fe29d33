import type { EncodedClaim } from '../device-link/claim-blob.js';
import type { Clock } from '../time/clock.js';
import { ClaimTooCloseToExpiryError, ClaimWipedError } from './claim-errors.js';

/** One claim for one device run: its ids, its expiry, and the only copy of its bytes. */
export interface ClaimLease {
  readonly runId: string;
  /** EncodedClaim.claimId: the id CLAIM_BEGIN carries. */
  readonly claimId: string;
  /** The claim certificate's id (an id: may be logged and journaled). */
  readonly certificateId: string;
  /** When the claim certificate stops working, ms since 1970. */
  readonly expiresAt: number;
  /** Time left on the station clock (negative once expired). */
  remainingMs(): number;
  /**
   * The encoded claim for delivery, the same object on every call so a resumed transfer sends the
   * same bytes. Throws ClaimTooCloseToExpiryError (and wipes the claim) when less than the minimum
   * validity remains, ClaimWipedError once wiped.
   */
  forDelivery(): EncodedClaim;
  /** Zeroes every byte buffer this lease holds; idempotent. After delivery, abort or failure. */
  wipe(): void;
  readonly wiped: boolean;
}

export interface HeldClaimOptions {
  runId: string;
  certificateId: string;
  expiresAt: number;
  encoded: EncodedClaim;
  clock: Clock;
  minValidityMs: number;
  /** Called once, after the bytes are zeroed. */
  onWiped: (lease: HeldClaim, reason: string) => void;
}

/**
 * The lease the claim manager hands out. The bytes sit in a private field, so the lease serializes
 * and inspects as ids only. It wipes itself when the claim expires, should its owner forget to.
 */
export class HeldClaim implements ClaimLease {
  readonly runId: string;
  readonly claimId: string;
  readonly certificateId: string;
  readonly expiresAt: number;
  readonly #encoded: EncodedClaim;
  readonly #clock: Clock;
  readonly #minValidityMs: number;
  readonly #onWiped: HeldClaimOptions['onWiped'];
  readonly #cancelExpiryWipe: () => void;
  #wiped = false;
  /** Set when forDelivery refused for lack of time: later calls give the same answer. */
  #refusal: ClaimTooCloseToExpiryError | undefined;

  constructor(options: HeldClaimOptions) {
    this.runId = options.runId;
    this.claimId = options.encoded.claimId;
    this.certificateId = options.certificateId;
    this.expiresAt = options.expiresAt;
    this.#encoded = options.encoded;
    this.#clock = options.clock;
    this.#minValidityMs = options.minValidityMs;
    this.#onWiped = options.onWiped;
    this.#cancelExpiryWipe = options.clock.setTimer(this.remainingMs(), () => this.#wipe('expired'));
  }

  get wiped(): boolean {
    return this.#wiped;
  }

  remainingMs(): number {
    return this.expiresAt - this.#clock.now();
  }

  forDelivery(): EncodedClaim {
    if (this.#refusal) throw this.#refusal;
    if (this.#wiped) throw new ClaimWipedError(this.runId, this.claimId);
    const remaining = this.remainingMs();
    if (remaining < this.#minValidityMs) {
      this.#refusal = new ClaimTooCloseToExpiryError(
        `The claim ${this.claimId} of run ${this.runId} has ${Math.max(0, Math.floor(remaining / 1000))} s ` +
          `left, less than the ${Math.ceil(this.#minValidityMs / 1000)} s a device needs to provision with it, ` +
          'so it was not sent and has been wiped. Press Retry to start the device with a fresh claim.',
        remaining,
        this.#minValidityMs,
      );
      this.#wipe('too close to expiry');
      throw this.#refusal;
    }
    return this.#encoded;
  }

  wipe(): void {
    this.#wipe('released');
  }

  #wipe(reason: string): void {
    if (this.#wiped) return;
    this.#wiped = true;
    this.#cancelExpiryWipe();
    // The encoded claim is the only buffer a lease holds; the answer's own Buffers were zeroed at request.
    this.#encoded.wipe();
    this.#onWiped(this, reason);
  }
}

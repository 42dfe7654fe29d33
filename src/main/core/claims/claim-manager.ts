import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { deviceClaimSchema, EncodedClaim } from '../device-link/claim-blob.js';
import { StationError } from '../station-error.js';
import type { Clock } from '../time/clock.js';
import { checkClaimAnswer } from './claim-answer.js';
import type { ProvisioningClaimAnswer } from './claim-answer.js';
import { ClaimRequestRefusedError, ClaimTooCloseToExpiryError } from './claim-errors.js';
import { HeldClaim } from './claim-lease.js';
import type { ClaimLease } from './claim-lease.js';

export type { ClaimLease } from './claim-lease.js';

export interface ClaimSource {
  /** IotRegistryClient.createProvisioningClaim (rate-governed) satisfies this: it returns the SDK's CreateProvisioningClaimCommandOutput. */
  createProvisioningClaim(templateName: string, signal?: AbortSignal): Promise<ProvisioningClaimAnswer>;
}

export interface ClaimManagerOptions {
  source: ClaimSource;
  clock: Clock;
  /** Where devices connect: the profile's iot.dataEndpoint as host/port (claimDestinationFor). */
  endpoint: { host: string; port: number };
  /** The CA devices trust for the endpoint: the profile's bundle, or Amazon Root CA 1 + 3 (claimDestinationFor). */
  rootCaPem: string;
  /** A claim with less than this left is never delivered (default 60_000). */
  minValidityMs?: number;
  /** Ids, times and error names only. */
  log?: (line: string) => void;
}

export interface ClaimRequest {
  runId: string;
  templateName: string;
  templateParameters: Record<string, string>;
}

export const DEFAULT_MIN_VALIDITY_MS = 60_000;

const runIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
/** Device protocol 5.1's rules (byte lengths, valid UTF-8, no NUL), as the encoder enforces them. */
const templateParametersSchema = deviceClaimSchema.shape.templateParameters;

/**
 * Turns CreateProvisioningClaim answers into the bytes a device receives, one fresh claim per run,
 * and owns those bytes until they are wiped. A claim is never cached, never shared between runs,
 * never written anywhere; nothing of it but ids reaches `log` or an error message.
 */
export class ClaimManager {
  readonly #source: ClaimSource;
  readonly #clock: Clock;
  readonly #endpoint: { host: string; port: number };
  readonly #rootCaPem: string;
  readonly #minValidityMs: number;
  readonly #log: (line: string) => void;
  readonly #leases = new Set<HeldClaim>();
  /** Runs with a request in flight or a lease not yet wiped: one claim per run at a time. */
  readonly #busyRuns = new Set<string>();
  /** Certificate ids issued to this station, kept until they expire: a claim is never handed out twice. */
  readonly #issued = new Map<string, number>();
  /** Bumped by wipeAll, so a claim that arrives after sign-out is discarded instead of leased. */
  #generation = 0;

  constructor(options: ClaimManagerOptions) {
    const minValidityMs = options.minValidityMs ?? DEFAULT_MIN_VALIDITY_MS;
    if (!Number.isFinite(minValidityMs) || minValidityMs < 0) {
      throw new RangeError('minValidityMs must be a finite number of milliseconds, 0 or more.');
    }
    if (!deviceClaimSchema.shape.endpoint.safeParse(options.endpoint).success) {
      throw new RangeError('endpoint must be { host: 1-253 characters, port: 1-65535 }.');
    }
    checkRootCaBundle(options.rootCaPem);
    this.#source = options.source;
    this.#clock = options.clock;
    this.#endpoint = { host: options.endpoint.host, port: options.endpoint.port };
    this.#rootCaPem = options.rootCaPem;
    this.#minValidityMs = minValidityMs;
    this.#log = options.log ?? (() => {});
  }

  /**
   * Requests a fresh claim for one device run (a device that answered its handshake and is about to
   * receive it). The claim is encoded at once, with this moment as its StationTime: request it right
   * before delivery. Errors of the source (AWS, the rate governor, an abort) pass through unchanged.
   */
  async request(input: ClaimRequest, signal?: AbortSignal): Promise<ClaimLease> {
    const { runId, templateName, templateParameters } = checkRequest(input);
    signal?.throwIfAborted();
    if (this.#busyRuns.has(runId)) {
      throw new ClaimRequestRefusedError(
        `Run ${runId} already has a claim or is getting one; a run holds one claim at a time. ` +
          'Wipe the old claim before requesting another (this is a station fault: report it).',
      );
    }
    this.#busyRuns.add(runId);
    let leased = false;
    try {
      const generation = this.#generation;
      let answer: ProvisioningClaimAnswer;
      try {
        answer = await this.#source.createProvisioningClaim(templateName, signal);
      } catch (error) {
        this.#log(`claim for run ${runId}: CreateProvisioningClaim failed: ${describeError(error)}`);
        throw error;
      }
      try {
        signal?.throwIfAborted();
        if (generation !== this.#generation) {
          throw new ClaimRequestRefusedError(
            `The claim for run ${runId} arrived after the station wiped every claim (sign-out or shutdown); ` +
              'it was discarded. Sign in again and press Retry.',
          );
        }
        const lease = this.#lease(runId, templateName, templateParameters, answer);
        leased = true;
        return lease;
      } finally {
        releaseAnswerStrings(answer);
      }
    } finally {
      if (!leased) this.#busyRuns.delete(runId);
    }
  }

  outstanding(): number {
    return this.#leases.size;
  }

  wipeAll(): void {
    this.#generation += 1;
    for (const lease of [...this.#leases]) lease.wipe();
  }

  #lease(
    runId: string,
    templateName: string,
    templateParameters: Record<string, string>,
    answer: ProvisioningClaimAnswer,
  ): HeldClaim {
    const now = this.#clock.now();
    const checked = checkClaimAnswer(answer, now);
    this.#forgetExpired(now);
    if (this.#issued.has(checked.certificateId)) {
      throw new ClaimRequestRefusedError(
        `CreateProvisioningClaim returned claim certificate ${checked.certificateId} again; a claim is ` +
          'never given to two devices, so it was discarded. Press Retry for a fresh claim.',
      );
    }
    this.#issued.set(checked.certificateId, checked.expiresAt);
    const remaining = checked.expiresAt - now;
    if (remaining < this.#minValidityMs) {
      throw new ClaimTooCloseToExpiryError(
        `The claim AWS IoT just issued for run ${runId} (certificate ${checked.certificateId}) has only ` +
          `${Math.floor(remaining / 1000)} s left by this station's clock, less than the ` +
          `${Math.ceil(this.#minValidityMs / 1000)} s a device needs, so it was not used. Claims last 5 minutes: ` +
          "the station's clock is probably ahead. Set it right (e.g. enable NTP) and press Retry.",
        remaining,
        this.#minValidityMs,
      );
    }
    const encoded = encodeClaim(
      {
        certificatePem: checked.certificatePem,
        privateKeyPem: checked.privateKeyPem,
        rootCaPem: this.#rootCaPem,
        endpoint: this.#endpoint,
        templateName,
        templateParameters,
        expiresAt: checked.expiresAt,
      },
      now,
    );
    const lease = new HeldClaim({
      runId,
      certificateId: checked.certificateId,
      expiresAt: checked.expiresAt,
      encoded,
      clock: this.#clock,
      minValidityMs: this.#minValidityMs,
      onWiped: (wiped, reason) => {
        this.#leases.delete(wiped);
        this.#busyRuns.delete(wiped.runId);
        this.#log(`claim ${wiped.claimId} of run ${wiped.runId} wiped (${reason})`);
      },
    });
    this.#leases.add(lease);
    this.#log(
      `claim ${lease.claimId} for run ${runId}: certificate ${lease.certificateId}, ` +
        `${Math.floor(remaining / 1000)} s left`,
    );
    return lease;
  }

  #forgetExpired(now: number): void {
    for (const [certificateId, expiresAt] of this.#issued) {
      if (expiresAt <= now) this.#issued.delete(certificateId);
    }
  }
}

function checkRequest(input: ClaimRequest): ClaimRequest {
  if (!runIdSchema.safeParse(input.runId).success) {
    throw new ClaimRequestRefusedError('The run id must be 1-200 printable characters without spaces.');
  }
  if (!deviceClaimSchema.shape.templateName.safeParse(input.templateName).success) {
    throw new ClaimRequestRefusedError(
      `The template name for run ${input.runId} must be 1-36 letters, digits, _ or - (as AWS IoT names templates).`,
    );
  }
  const parameters = templateParametersSchema.safeParse(input.templateParameters);
  if (!parameters.success) {
    // Name the parameter, never its value.
    const problems = parameters.error.issues
      .slice(0, 3)
      .map((issue) => `${parameterLabel(issue.path[0])}: ${issue.message}`)
      .join('; ');
    throw new ClaimRequestRefusedError(
      `The template parameters for run ${input.runId} cannot go to a device (${problems}). Names are ` +
        "1-2048 UTF-8 bytes, values at most 4096, valid text without NUL characters; correct the batch's " +
        'parameters.',
    );
  }
  // A copy: the caller's object may change after the claim is encoded.
  return { runId: input.runId, templateName: input.templateName, templateParameters: { ...parameters.data } };
}

function parameterLabel(key: PropertyKey | undefined): string {
  if (key === undefined) return 'parameters';
  return String(key).slice(0, 64) || '(empty name)';
}

function checkRootCaBundle(rootCaPem: string): void {
  const blocks =
    typeof rootCaPem === 'string'
      ? rootCaPem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)
      : null;
  if (!blocks) throw new RangeError('rootCaPem must hold one or more PEM CERTIFICATE blocks.');
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new RangeError('rootCaPem holds a CERTIFICATE block that does not parse.');
    }
  }
}

function encodeClaim(claim: Parameters<typeof EncodedClaim.encode>[0], now: number): EncodedClaim {
  try {
    return EncodedClaim.encode(claim, now);
  } catch (error) {
    // Checked above already; should zod or the encoder still object, name fields only.
    const fields =
      error instanceof z.ZodError
        ? error.issues.map((issue) => issue.path.join('.')).join(', ')
        : 'expiresAt';
    throw new StationError(
      `The claim could not be encoded for the device (${fields}); it was discarded. Press Retry.`,
    );
  }
}

/**
 * JS strings cannot be zeroed: the SDK's parsed JSON strings are released to the garbage collector
 * by dropping the answer's references to them; the manager keeps none (only the encoded Buffer).
 */
function releaseAnswerStrings(answer: ProvisioningClaimAnswer | undefined): void {
  if (typeof answer !== 'object' || answer === null) return;
  try {
    delete answer.certificatePem;
    if (answer.keyPair) {
      delete answer.keyPair.PrivateKey;
      delete answer.keyPair.PublicKey;
    }
  } catch {
    // A frozen answer keeps its strings until the caller lets go of it; nothing more can be done here.
  }
}

/** AWS and governor errors carry names and messages, never claim material (the claim never arrived). */
function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
}

import type { DeviceLink } from '../device-link/device-link.js';
import { succeed } from '../device-link/link-outcome.js';
import { Timing } from '../device-link/protocol-constants.js';
import { redactForDisplay } from '../logging/secret-redaction.js';
import type { DeviceHello } from '../device-link/protocol-messages.js';
import { sleep, type Clock } from '../time/clock.js';
import type { ClaimLeasePort, ClaimsPort, RegistryPort } from './engine-ports.js';
import { awsFailure, linkFailure, type StepFailure } from './failure-catalogue.js';
import type { DeviceFacts, ProgressFacts, RunEffect, RunEvent, RunPhase, RunState } from './run-state.js';

/** Step timeouts (ms): a safety net above the device link's own, which fire first with detail. */
export const defaultStepTimeouts: Partial<Record<RunPhase, number>> = {
  handshake: 15_000,
  claim: 60_000,
  delivery: 120_000,
  provisioning: 150_000,
  verification: 60_000,
  retiring: 60_000,
  recovering: 60_000,
};

export interface RunExecutorOptions {
  clock: Clock;
  claims: () => ClaimsPort;
  registry: () => RegistryPort;
  /** Applies an event; false when it no longer applied (the run moved on meanwhile). */
  dispatch: (runId: string, event: RunEvent) => boolean;
  /** The run's link died under it (its transport closed). */
  onLinkLost: (runId: string, path: string) => void;
  /** Device progress, stamped by the engine with the run's current phase. */
  onProgress: (runId: string, progress: ProgressFacts) => void;
  /** Slot bookkeeping and audit writing belong to the batch engine. */
  requestSlot: (runId: string) => void;
  releaseSlot: (runId: string) => void;
  writeAudit: (runId: string) => void;
  templateParameters: (state: RunState) => Record<string, string>;
  templateName: () => string;
  /** Live, unjournaled detail for the view: bytes held during delivery, device log lines. */
  onTransfer: (runId: string, heldBytes: number, totalBytes: number) => void;
  onDeviceLog: (runId: string, line: string) => void;
  timeouts?: Partial<Record<RunPhase, number>>;
  log: (line: string) => void;
}

/** A probe's HELLO younger than this stands for the handshake's own. */
const FRESH_HELLO_MS = 2_000;

/** How long closing a link waits for a pending ABORT to be acknowledged. */
const ABORT_GRACE_MS = 2_000;

interface RunResources {
  announced: { hello: DeviceHello; at: number } | undefined;
  linkPath: string | undefined;
  aborting: Promise<void> | undefined;
  link: DeviceLink | undefined;
  lease: ClaimLeasePort | undefined;
  cancelTimer: (() => void) | undefined;
  abort: AbortController;
  detach: (() => void) | undefined;
  /** The phaseSeq of the run's latest state: a wait started in an older phase ends. */
  phaseSeq: number;
}

/** How often a device still busy with an earlier attempt is asked again whether it has finished. */
const BUSY_DEVICE_POLL_MS = 250;

/**
 * Runs the effects the state machine asks for — serial link operations, claim requests, registry
 * calls, timers — and turns every outcome into the next event. It owns the per-run resources: the
 * open device link and the claim lease, whose bytes it wipes when the machine says so.
 */
export class RunExecutor {
  private readonly resources = new Map<string, RunResources>();
  private readonly waited = new Map<string, { deviceMs: number; awsMs: number }>();

  constructor(private readonly options: RunExecutorOptions) {}

  /**
   * Gives the run its open link. `announced` is the HELLO the engine's probe just received on it:
   * the handshake uses it instead of asking the device a second time.
   */
  attachLink(runId: string, link: DeviceLink, path: string, announced?: DeviceHello): void {
    const res = this.resourcesOf(runId);
    res.announced = announced ? { hello: announced, at: this.options.clock.now() } : undefined;
    if (res.link && res.link !== link) void res.link.close().catch(() => undefined);
    res.detach?.();
    res.link = link;
    res.linkPath = path;
    const onProgress = (update: { stage: number; stageName: string; detail?: string }) =>
      this.progress(runId, update);
    const onTransfer = (update: { heldBytes: number; totalBytes: number }) =>
      this.options.onTransfer(runId, update.heldBytes, update.totalBytes);
    const onLog = (line: string) => this.options.onDeviceLog(runId, line);
    // The port went away under the link (a reboot or re-plug faster than discovery's poll): the
    // link is dead, so let it go and let the engine look at the port again.
    const onDisconnected = () => {
      if (res.link !== link) return;
      res.detach?.();
      res.link = undefined;
      res.linkPath = undefined;
      res.detach = undefined;
      this.options.onLinkLost(runId, path);
    };
    link.on('progress', onProgress);
    link.on('transfer', onTransfer);
    link.on('log', onLog);
    link.on('disconnected', onDisconnected);
    res.detach = () => {
      link.off('progress', onProgress);
      link.off('transfer', onTransfer);
      link.off('log', onLog);
      link.off('disconnected', onDisconnected);
    };
  }

  /** Closes the run's link (the port went away, or the run ended); first lets a pending ABORT out. */
  async detachLink(runId: string): Promise<void> {
    const res = this.resources.get(runId);
    if (!res?.link) return;
    res.detach?.();
    const link = res.link;
    const aborting = res.aborting;
    res.link = undefined;
    res.linkPath = undefined;
    res.detach = undefined;
    res.aborting = undefined;
    if (aborting) await Promise.race([aborting, sleep(this.options.clock, ABORT_GRACE_MS)]);
    await link.close().catch(() => undefined);
  }

  hasLink(runId: string): boolean {
    return this.resources.get(runId)?.link !== undefined;
  }

  /** The port the run's live link is on, if it has one. */
  linkPath(runId: string): string | undefined {
    return this.resources.get(runId)?.linkPath;
  }

  run(state: RunState, effects: readonly RunEffect[]): void {
    const res = this.resourcesOf(state.runId);
    res.phaseSeq = state.phaseSeq;
    if (effects.length > 0) {
      // A new phase: the old phase's timer and in-flight AWS calls no longer matter. Aborting them
      // also frees the claim manager's hold on this run, so a Retry can ask for a fresh claim.
      res.cancelTimer?.();
      res.cancelTimer = undefined;
      res.abort.abort(new Error('the run moved on'));
      res.abort = new AbortController();
    }
    for (const effect of effects) this.runOne(state, effect);
  }

  /** Ends everything a run holds: lease wiped, calls aborted, link closed. */
  async release(runId: string): Promise<void> {
    const res = this.resources.get(runId);
    if (!res) return;
    res.cancelTimer?.();
    res.abort.abort(new Error('run released'));
    res.lease?.wipe();
    res.lease = undefined;
    await this.detachLink(runId);
    this.resources.delete(runId);
  }

  /** Forgets a finished run's measurements (long batches must not grow memory). */
  forget(runId: string): void {
    this.waited.delete(runId);
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.resources.keys()].map((runId) => this.release(runId)));
  }

  private runOne(state: RunState, effect: RunEffect): void {
    const { runId, phaseSeq } = state;
    const at = () => this.options.clock.now();
    const failed = (failure: StepFailure) =>
      this.options.dispatch(runId, { type: 'step-failed', at: at(), phaseSeq, failure: cleaned(failure) });
    switch (effect.type) {
      case 'hello':
        void this.withLink(state, failed, async (link) => {
          const fresh = this.takeAnnounced(runId);
          let result = fresh ? succeed(fresh) : await this.timed(runId, 'device', link.hello());
          // A device still running an attempt the station lost track of (a restart, a re-plug
          // while it provisioned) is left to finish: its HELLO then names the identity it got, or
          // none. Starting it again would cost a second claim, and perhaps a second RegisterThing.
          const busySince = this.options.clock.now();
          while (result.ok && result.value.state === 'provisioning') {
            // The device is alive and busy: its answer keeps the handshake's timeout from firing,
            // for as long as the protocol lets a device provision.
            if (this.options.clock.now() - busySince < Timing.provisioningTotal) {
              this.runOne(state, { type: 'arm-timeout', phase: 'handshake', phaseSeq });
            }
            await this.timed(runId, 'device', sleep(this.options.clock, BUSY_DEVICE_POLL_MS));
            if (this.resources.get(runId)?.phaseSeq !== phaseSeq) return;
            result = await this.timed(runId, 'device', link.hello());
          }
          if (!result.ok) return failed(linkFailure(result.failure, this.options.templateName()));
          const { device, identity } = deviceFactsOf(result.value);
          this.options.dispatch(runId, { type: 'hello', at: at(), phaseSeq, device, identity });
        });
        return;
      case 'request-slot':
        this.options.requestSlot(runId);
        return;
      case 'release-slot':
        this.options.releaseSlot(runId);
        return;
      case 'request-claim':
        void this.requestClaim(state, failed);
        return;
      case 'deliver-claim':
        void this.withLink(state, failed, async (link) => {
          const lease = this.resources.get(runId)?.lease;
          if (!lease) return failed(missingClaim());
          let encoded;
          try {
            encoded = lease.forDelivery();
          } catch (error) {
            return failed(claimNotDeliverable(error));
          }
          const result = await this.timed(runId, 'device', link.deliverClaim(encoded));
          if (!result.ok) return failed(linkFailure(result.failure, this.options.templateName()));
          this.options.dispatch(runId, {
            type: 'claim-delivered',
            at: at(),
            phaseSeq,
            durationMs: result.value.durationMs,
          });
        });
        return;
      case 'wipe-claim': {
        const res = this.resources.get(runId);
        res?.lease?.wipe();
        if (res) res.lease = undefined;
        return;
      }
      case 'start-provisioning':
        void this.withLink(state, failed, async (link) => {
          const result = await this.timed(
            runId,
            'device',
            link.startProvisioning({ mode: effect.mode, replaceIdentity: effect.replaceIdentity }),
          );
          if (!result.ok) return failed(linkFailure(result.failure, this.options.templateName()));
          this.options.dispatch(runId, { type: 'provisioned', at: at(), phaseSeq, result: result.value });
        });
        return;
      case 'verify':
        void this.aws(state, 'VERIFY', failed, async (signal) => {
          const outcome = await this.timed(
            runId,
            'aws',
            this.options.registry().verifyProvisioned(effect.expected, signal),
          );
          if (!outcome.ok) {
            return failed({
              code: `VERIFY_${outcome.code}`,
              message: outcome.message,
              hint: outcome.hint,
              detail: `expected thing ${effect.expected.thingName}, certificate ${effect.expected.certificateId}`,
              retryable: true,
            });
          }
          this.options.dispatch(runId, {
            type: 'verified',
            at: at(),
            phaseSeq,
            otherCertificateIds: outcome.otherCertificateIds,
          });
        });
        return;
      case 'retire':
        void this.aws(state, 'RETIRE', failed, async (signal) => {
          const outcome = await this.timed(
            runId,
            'aws',
            this.options
              .registry()
              .retireCertificate(
                { thingName: effect.thingName, certificateId: effect.certificateId },
                signal,
              ),
          );
          this.options.dispatch(runId, {
            type: 'retired',
            at: at(),
            phaseSeq,
            outcome: outcome.outcome,
            reason: outcome.outcome === 'left-for-admin' ? redactForDisplay(outcome.reason, 2000) : null,
          });
        });
        return;
      case 'abort-device': {
        const res = this.resources.get(runId);
        // Interrupts the running link operation; the device wipes the claim it holds. Closing the
        // link waits for this, so the ABORT is not cut off by a cancel's release.
        if (res?.link)
          res.aborting = res.link.abort().then(
            () => undefined,
            () => undefined,
          );
        return;
      }
      case 'arm-timeout': {
        const ms = this.options.timeouts?.[effect.phase] ?? defaultStepTimeouts[effect.phase];
        if (ms === undefined) return;
        const res = this.resourcesOf(runId);
        res.cancelTimer?.();
        res.cancelTimer = this.options.clock.setTimer(ms, () =>
          this.options.dispatch(runId, { type: 'timeout', at: at(), phaseSeq: effect.phaseSeq }),
        );
        return;
      }
      case 'write-audit':
        this.options.writeAudit(runId);
        return;
    }
  }

  private async requestClaim(state: RunState, failed: (failure: StepFailure) => void): Promise<void> {
    const res = this.resourcesOf(state.runId);
    res.lease?.wipe();
    res.lease = undefined;
    let lease: ClaimLeasePort;
    try {
      lease = await this.timed(
        state.runId,
        'aws',
        this.options.claims().request(
          {
            runId: state.runId,
            templateName: this.options.templateName(),
            templateParameters: this.options.templateParameters(state),
          },
          res.abort.signal,
        ),
      );
    } catch (error) {
      if (res.abort.signal.aborted) return;
      failed(awsFailure('CLAIM', error));
      return;
    }
    // The run may have moved on (cancelled, timed out) while the claim was on its way: a claim
    // nobody will deliver is wiped at once.
    const current = this.resources.get(state.runId);
    if (!current || current !== res || res.abort.signal.aborted) {
      lease.wipe();
      return;
    }
    res.lease = lease;
    const applied = this.options.dispatch(state.runId, {
      type: 'claim-issued',
      at: this.options.clock.now(),
      phaseSeq: state.phaseSeq,
      claim: { claimId: lease.claimId, certificateId: lease.certificateId, expiresAt: lease.expiresAt },
    });
    if (!applied && res.lease === lease) {
      // The phase changed meanwhile: nobody will deliver this lease.
      lease.wipe();
      res.lease = undefined;
    }
  }

  private async withLink(
    state: RunState,
    failed: (failure: StepFailure) => void,
    body: (link: DeviceLink) => Promise<unknown>,
  ): Promise<void> {
    const link = this.resources.get(state.runId)?.link;
    if (!link) {
      failed({
        code: 'DEVICE_UNPLUGGED',
        message: 'The device is not connected.',
        hint: 'Plug the device in; the station continues when it sees it.',
        detail: null,
        retryable: true,
      });
      return;
    }
    try {
      await body(link);
    } catch (error) {
      this.options.log(`run ${state.runId}: link step failed unexpectedly: ${(error as Error).message}`);
      failed({
        code: 'STATION_INTERNAL',
        message: 'The station hit an unexpected problem talking to the device.',
        hint: 'Press Retry; if it repeats, restart the station and report it.',
        detail: (error as Error).message,
        retryable: true,
      });
    }
  }

  private async aws(
    state: RunState,
    prefix: 'VERIFY' | 'RETIRE',
    failed: (failure: StepFailure) => void,
    body: (signal: AbortSignal) => Promise<unknown>,
  ): Promise<void> {
    const res = this.resourcesOf(state.runId);
    try {
      await body(res.abort.signal);
    } catch (error) {
      if (res.abort.signal.aborted) return;
      failed(awsFailure(prefix, error));
    }
  }

  private progress(runId: string, update: { stage: number; stageName: string; detail?: string }): void {
    // Device text goes into the journaled state: cleaned before it can be refused there.
    this.options.onProgress(runId, {
      stage: update.stage,
      stageName: redactForDisplay(update.stageName, 128),
      detail: update.detail === undefined ? null : redactForDisplay(update.detail, 1000),
    });
  }

  private takeAnnounced(runId: string): DeviceHello | undefined {
    const res = this.resources.get(runId);
    const announced = res?.announced;
    if (res) res.announced = undefined;
    if (!announced || this.options.clock.now() - announced.at > FRESH_HELLO_MS) return undefined;
    return announced.hello;
  }

  /** Wall time this run spent waiting on its device and on AWS (the rest is the station's own). */
  waits(runId: string): { deviceMs: number; awsMs: number } {
    return { ...(this.waited.get(runId) ?? { deviceMs: 0, awsMs: 0 }) };
  }

  private async timed<T>(runId: string, on: 'device' | 'aws', work: Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work;
    } finally {
      const waited = this.waited.get(runId) ?? { deviceMs: 0, awsMs: 0 };
      if (on === 'device') waited.deviceMs += performance.now() - started;
      else waited.awsMs += performance.now() - started;
      this.waited.set(runId, waited);
    }
  }

  private resourcesOf(runId: string): RunResources {
    let res = this.resources.get(runId);
    if (!res) {
      res = {
        announced: undefined,
        linkPath: undefined,
        aborting: undefined,
        link: undefined,
        lease: undefined,
        cancelTimer: undefined,
        abort: new AbortController(),
        detach: undefined,
        phaseSeq: -1,
      };
      this.resources.set(runId, res);
    }
    return res;
  }
}

export function deviceFactsOf(hello: DeviceHello): {
  device: DeviceFacts;
  identity: { thingName: string; certificateId: string } | null;
} {
  return {
    device: {
      serialNumber: hello.serialNumber,
      model: hello.model,
      hardwareRevision: hello.hardwareRevision,
      firmwareVersion: hello.firmwareVersion,
      modes: [...hello.modes],
      bootId: hello.bootId,
    },
    identity: hello.identity
      ? { thingName: hello.identity.thingName, certificateId: hello.identity.certificateId }
      : null,
  };
}

function missingClaim(): StepFailure {
  return {
    code: 'CLAIM_MISSING',
    message: 'The claim for this device is no longer held by the station.',
    hint: 'Press Retry for a fresh claim.',
    detail: null,
    retryable: true,
  };
}

function claimNotDeliverable(error: unknown): StepFailure {
  // The claim manager's refusals carry their own code: too close to expiry, or already wiped.
  const own = (error as { code?: unknown }).code;
  return {
    code: typeof own === 'string' && /^CLAIM_[A-Z_]+$/.test(own) ? own : 'CLAIM_TOO_CLOSE_TO_EXPIRY',
    message: error instanceof Error ? error.message : 'The claim is about to expire.',
    hint: 'Press Retry for a fresh claim.',
    detail: null,
    retryable: true,
  };
}

/** Device and AWS text is outside input: bounded and redacted before it is journaled or shown. */
function cleaned(failure: StepFailure): StepFailure {
  return {
    ...failure,
    code: redactForDisplay(failure.code, 120),
    message: redactForDisplay(failure.message, 2000),
    hint: redactForDisplay(failure.hint, 2000),
    detail: failure.detail === null ? null : redactForDisplay(failure.detail, 8000),
  };
}

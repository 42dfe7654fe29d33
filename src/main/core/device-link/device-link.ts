import { EventEmitter } from 'node:events';
import { SerialPortTransport } from './byte-transport.js';
import type { ByteTransport } from './byte-transport.js';
import type { EncodedClaim } from './claim-blob.js';
import { cobsMaxEncodedLength } from './cobs.js';
import { DeviceLogAssembler } from './device-log-assembler.js';
import { encodeFrame, FrameDecoder, frameWireLength, maxPayloadForWireBudget } from './frame-codec.js';
import type { Frame } from './frame-codec.js';
import { fail, LinkInterrupt, succeed } from './link-outcome.js';
import type { LinkFailure, LinkResult } from './link-outcome.js';
import {
  ErrorCode,
  errorCodeName,
  MAX_FRAME_BODY,
  MessageType,
  progressStageName,
  PROTOCOL_VERSION,
  Timing,
} from './protocol-constants.js';
import type { ProvisioningMode } from './protocol-constants.js';
import {
  CHUNK_HEADER_LENGTH,
  decodeAck,
  decodeFailure,
  decodeHello,
  decodeNak,
  decodeProgress,
  decodeResult,
  encodeClaimBegin,
  encodeClaimChunk,
  encodeHelloRequest,
  encodeProvision,
  encodeResetIdentity,
  eventProvisionSeq,
} from './protocol-messages.js';
import type { DeviceHello, ProvisioningResult } from './protocol-messages.js';

export interface DeviceLinkOptions {
  /** The line rate; used to size timeouts (a pseudo-terminal ignores it). */
  baudRate: number;
  /** Multiplies every timeout, for slow devices or loaded machines. Default 1. */
  timeoutScale?: number;
}

export interface ProgressUpdate {
  stage: number;
  stageName: string;
  detail?: string;
}

export interface TransferUpdate {
  claimId: string;
  heldBytes: number;
  totalBytes: number;
}

export interface DeviceLinkEvents {
  /** One line of the device's own output (never an error). */
  log: [line: string];
  progress: [update: ProgressUpdate];
  transfer: [update: TransferUpdate];
  /** The device announced a fresh boot on its own. */
  rebooted: [hello: DeviceHello];
  disconnected: [reason: string];
}

export interface LinkStats {
  framesSent: number;
  framesReceived: number;
  corruptFrames: number;
  /** Segments longer than any frame (section 2.4): shown as log text, never decoded. */
  oversizeSegments: number;
  duplicateFrames: number;
  /** RESULT/FAILURE copies ignored: they answer an earlier PROVISION, or (a revision 1.0 device) came too early. */
  staleEvents: number;
  retransmittedRequests: number;
  retransmittedChunks: number;
  logLines: number;
}

export interface ClaimDelivery {
  claimId: string;
  totalBytes: number;
  /** Bytes the device already held when the transfer began (non-zero after a resumed transfer). */
  resumedFrom: number;
  durationMs: number;
  chunkDataBytes: number;
}

export interface ProvisionOptions {
  mode: ProvisioningMode;
  /** The operator confirmed that an identity the device already holds may be replaced. */
  replaceIdentity?: boolean;
}

interface Waiter {
  reject: (error: LinkInterrupt) => void;
  /** False for abort()'s own request: interrupt() (its own doing) must not end it; end() still does. */
  interruptible: boolean;
}

type ChunkEvent = { seq: number; frame: Frame };
type ProvisionEvent = { frame: Frame };

const MAX_SEGMENT = cobsMaxEncodedLength(MAX_FRAME_BODY);
/** Chunk frames never exceed this many wire bytes, whatever the buffer (keeps retransmissions cheap). */
const MAX_CHUNK_WIRE = 2048;
const MAX_REWINDS_WITHOUT_PROGRESS = 8;

/**
 * The station's end of the device link (docs/device-protocol.md): frames over a byte transport,
 * requests with retransmission, windowed claim delivery and provisioning events. Every public
 * operation resolves to a LinkResult; none throws, none hangs past its timeout.
 */
export class DeviceLink extends EventEmitter<DeviceLinkEvents> {
  private readonly decoder = new FrameDecoder(MAX_SEGMENT);
  private readonly logAssembler = new DeviceLogAssembler();
  private readonly waiters = new Set<Waiter>();
  private readonly pending = new Map<number, (frame: Frame) => void>();
  private readonly timeoutScale: number;
  private seq = 1 + Math.floor(Math.random() * 254);
  private wroteFirstFrame = false;
  private endedBy: LinkFailure | undefined;
  private busy = false;
  /**
   * Set by interrupt() while an operation runs. The operation may not be waiting at that moment (an
   * abort() from a `progress` listener runs inside its loop): its next wait or loop turn ends with it.
   */
  private pendingInterrupt: LinkFailure | undefined;
  private announced: DeviceHello | undefined;
  private provisionListener: ((event: ProvisionEvent) => void) | undefined;
  /** The running provision() has its PROVISION answered (events from then on are its own). */
  private provisionAnswered = false;
  /** type << 8 | seq of the last RESULT/FAILURE acted on since the device's boot: later copies are stale. */
  private lastOutcome: number | undefined;
  private readonly statsCounters: LinkStats = {
    framesSent: 0,
    framesReceived: 0,
    corruptFrames: 0,
    oversizeSegments: 0,
    duplicateFrames: 0,
    staleEvents: 0,
    retransmittedRequests: 0,
    retransmittedChunks: 0,
    logLines: 0,
  };

  constructor(
    private readonly transport: ByteTransport,
    private readonly options: DeviceLinkOptions,
  ) {
    super();
    this.timeoutScale = options.timeoutScale ?? 1;
    transport.onData((data) => this.received(data));
    transport.onClose((reason) => this.transportClosed(reason));
  }

  /** Opens the serial port at `path` and attaches a link to it. */
  static async open(path: string, options: DeviceLinkOptions): Promise<LinkResult<DeviceLink>> {
    try {
      return succeed(new DeviceLink(await SerialPortTransport.open(path, options.baudRate), options));
    } catch (error) {
      return fail({
        kind: 'open-failed',
        message: `Could not open ${path}: ${(error as Error).message}. Check the cable and that no other program holds the port.`,
      });
    }
  }

  get deviceHello(): DeviceHello | undefined {
    return this.announced;
  }

  get stats(): Readonly<LinkStats> {
    return { ...this.statsCounters };
  }

  /** Asks the device to announce itself. */
  hello(): Promise<LinkResult<DeviceHello>> {
    return this.operation(() => this.exchangeHello());
  }

  /** Delivers (or resumes delivering) a claim; succeeds once the device holds it complete and verified. */
  deliverClaim(claim: EncodedClaim): Promise<LinkResult<ClaimDelivery>> {
    return this.operation(() => this.transferClaim(claim));
  }

  /** Starts Fleet Provisioning on the device and follows it to the device's final result. */
  startProvisioning(options: ProvisionOptions): Promise<LinkResult<ProvisioningResult>> {
    return this.operation(() => this.provision(options));
  }

  /** Wipes the claim the device holds (no effect on its permanent identity). */
  wipeClaim(): Promise<LinkResult<void>> {
    return this.operation(async () => {
      await this.simpleRequest(MessageType.WipeClaim, Buffer.alloc(0), 'wipe the claim');
    });
  }

  /** Erases the device's permanent identity; the serial number guards against the wrong device. */
  resetIdentity(serialNumber: string): Promise<LinkResult<void>> {
    return this.operation(async () => {
      await this.simpleRequest(
        MessageType.ResetIdentity,
        encodeResetIdentity(serialNumber),
        'reset its identity',
      );
    });
  }

  /**
   * Stops whatever the device is doing and makes it wipe its claim. Interrupts a running operation
   * of this link, which then ends with `aborted` — also when called from inside one of its own event
   * listeners (`progress`, `transfer`), where the operation is not waiting at that moment.
   */
  async abort(): Promise<LinkResult<void>> {
    if (this.endedBy) return fail(this.endedBy);
    this.interrupt({
      kind: 'aborted',
      message: 'Aborted by the station; the device was told to wipe its claim.',
    });
    try {
      await this.expectAck(
        await this.request(MessageType.Abort, Buffer.alloc(0), { what: 'abort', interruptible: false }),
        'abort',
      );
      return succeed(undefined);
    } catch (error) {
      if (error instanceof LinkInterrupt) return fail(error.failure);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.end({ kind: 'closed', message: 'The link was closed by the station.' });
    this.decoder.reset();
    await this.transport.close();
  }

  // ---- operations -------------------------------------------------------------------------------

  private async operation<T>(body: () => Promise<T>): Promise<LinkResult<T>> {
    if (this.endedBy) return fail(this.endedBy);
    if (this.busy) {
      return fail({
        kind: 'busy',
        message: 'Another operation is running on this device link; wait for it to end.',
      });
    }
    this.busy = true;
    this.pendingInterrupt = undefined;
    try {
      return succeed(await body());
    } catch (error) {
      if (error instanceof LinkInterrupt) return fail(error.failure);
      throw error;
    } finally {
      this.busy = false;
      this.pendingInterrupt = undefined;
    }
  }

  private async exchangeHello(): Promise<DeviceHello> {
    const frame = await this.request(MessageType.HelloRequest, encodeHelloRequest(PROTOCOL_VERSION), {
      timeoutMs: Timing.hello,
      what: 'announce itself',
      acceptBootHello: true,
    });
    if (frame.type === MessageType.Nak) {
      const nak = decodeNak(frame.payload);
      if (nak.ok && nak.value.code === ErrorCode.VersionUnsupported) {
        const versions = nak.value.supportedVersions;
        throw new LinkInterrupt({
          kind: 'protocol-error',
          ...(versions ? { deviceVersions: versions } : {}),
          message: `The device does not serve protocol version ${PROTOCOL_VERSION}; it serves ${versions ? `version ${versions.join(', ')}` : 'other versions (it did not say which)'}. Update the station or the firmware.`,
        });
      }
      throw this.rejectedBy(frame, 'announce itself');
    }
    if (frame.type !== MessageType.Hello) throw this.unexpected(frame, 'HELLO');
    return this.acceptHello(frame);
  }

  private acceptHello(frame: Frame): DeviceHello {
    const decoded = decodeHello(frame.payload);
    if (!decoded.ok) {
      throw new LinkInterrupt({
        kind: 'protocol-error',
        message: `The device's HELLO is invalid (${decoded.reason}); its firmware does not follow the protocol.`,
      });
    }
    if (decoded.value.protocolVersion !== PROTOCOL_VERSION) {
      throw new LinkInterrupt({
        kind: 'protocol-error',
        message: `The device speaks protocol version ${decoded.value.protocolVersion}; this station speaks ${PROTOCOL_VERSION}. Update the station or the firmware.`,
      });
    }
    this.announced = decoded.value;
    return decoded.value;
  }

  private async transferClaim(claim: EncodedClaim): Promise<ClaimDelivery> {
    const started = performance.now();
    const hello = this.announced ?? (await this.exchangeHello());
    if (claim.length > hello.maxClaim) {
      throw new LinkInterrupt({
        kind: 'rejected',
        code: ErrorCode.ClaimTooLarge,
        codeName: errorCodeName[ErrorCode.ClaimTooLarge] ?? 'CLAIM_TOO_LARGE',
        message: `The claim is ${claim.length} bytes but the device holds at most ${hello.maxClaim}.`,
      });
    }
    const begin = await this.request(
      MessageType.ClaimBegin,
      encodeClaimBegin({ claimId: claim.claimId, totalLength: claim.length, crc32: claim.crc32 }),
      { what: 'begin the claim transfer' },
    );
    const resumedFrom = Math.min(this.heldFromAck(begin, 'CLAIM_BEGIN'), claim.length);
    const chunkWire = Math.min(Math.floor(hello.rxBuffer / 2), MAX_CHUNK_WIRE);
    const chunkData = maxPayloadForWireBudget(chunkWire) - CHUNK_HEADER_LENGTH;
    this.emit('transfer', { claimId: claim.claimId, heldBytes: resumedFrom, totalBytes: claim.length });
    if (resumedFrom < claim.length) await this.sendWindowed(claim, resumedFrom, hello.rxBuffer, chunkData);
    return {
      claimId: claim.claimId,
      totalBytes: claim.length,
      resumedFrom,
      durationMs: performance.now() - started,
      chunkDataBytes: chunkData,
    };
  }

  /**
   * Go-back-N within the device's receive buffer: chunks in flight never add up to more wire bytes
   * than the device announced; acks are cumulative; a gap or a timeout rewinds to what the device holds.
   */
  private async sendWindowed(
    claim: EncodedClaim,
    start: number,
    window: number,
    chunkData: number,
  ): Promise<number> {
    const total = claim.length;
    const inFlight = new Map<number, { end: number; wire: number; deadline: number }>();
    const events: ChunkEvent[] = [];
    let wake: (() => void) | undefined;
    let inFlightBytes = 0;
    let next = start;
    let held = start;
    let draining = false;
    let rewinds = 0;
    let highestSent = start;
    const forget = () => {
      for (const seq of inFlight.keys()) this.pending.delete(seq);
      inFlight.clear();
      inFlightBytes = 0;
    };
    try {
      for (;;) {
        this.throwIfInterrupted();
        while (!draining && next < total) {
          const length = Math.min(chunkData, total - next);
          if (inFlight.size > 0 && inFlightBytes + frameWireLength(CHUNK_HEADER_LENGTH + length) > window)
            break;
          const seq = this.nextSeq();
          const payload = encodeClaimChunk(next, claim.bytes.subarray(next, next + length));
          const wire = this.encode({ type: MessageType.ClaimChunk, seq, payload });
          payload.fill(0);
          this.pending.set(seq, (frame) => {
            events.push({ seq, frame });
            wake?.();
          });
          inFlightBytes += wire.length;
          const deadline = performance.now() + this.responseTimeout(inFlightBytes + 32);
          inFlight.set(seq, { end: next + length, wire: wire.length, deadline });
          if (next < highestSent) this.statsCounters.retransmittedChunks++;
          next += length;
          highestSent = Math.max(highestSent, next);
          await this.write(wire);
          wire.fill(0);
        }
        let event = events.shift();
        if (!event) {
          const oldest = Math.min(...[...inFlight.values()].map((chunk) => chunk.deadline));
          const waitMs = Math.max(1, oldest - performance.now());
          await this.waitFor<void>((resolve) => {
            wake = resolve;
            return () => (wake = undefined);
          }, waitMs);
          event = events.shift();
        }
        if (!event) {
          // The oldest chunk (or its ack) was lost: the device's buffer has long drained by now.
          forget();
          draining = false;
          next = held;
          if (++rewinds > MAX_REWINDS_WITHOUT_PROGRESS)
            throw this.transferFailed(held, total, 'no acknowledgement');
          continue;
        }
        const chunk = inFlight.get(event.seq);
        if (!chunk) continue;
        // The device handles frames in order: an answer to this chunk means every chunk sent before
        // it has left its buffer too, even if that chunk's own answer was lost.
        for (const [seq, earlier] of inFlight) {
          inFlight.delete(seq);
          this.pending.delete(seq);
          inFlightBytes -= earlier.wire;
          if (seq === event.seq) break;
        }
        // Throws on a NAK or anything other than an ACK.
        const ackHeld = this.heldFromAck(event.frame, 'CLAIM_CHUNK');
        if (ackHeld > held) {
          held = Math.min(ackHeld, total);
          rewinds = 0;
          this.emit('transfer', { claimId: claim.claimId, heldBytes: held, totalBytes: total });
        }
        if (held >= total) return held;
        if (ackHeld < chunk.end) draining = true;
        if (draining && inFlight.size === 0) {
          draining = false;
          next = held;
          if (++rewinds > MAX_REWINDS_WITHOUT_PROGRESS)
            throw this.transferFailed(held, total, 'chunks kept getting lost');
        }
      }
    } finally {
      forget();
    }
  }

  private async provision(options: ProvisionOptions): Promise<ProvisioningResult> {
    const events: ProvisionEvent[] = [];
    let wake: (() => void) | undefined;
    let provisionSeq: number | undefined;
    let lastProgressSeq: number | undefined;
    this.provisionAnswered = false;
    this.provisionListener = (event) => {
      events.push(event);
      wake?.();
    };
    /** A RESULT/FAILURE naming this PROVISION (its ProvisionSeq) is already here. */
    const ownOutcomeArrived = () =>
      events.some(
        ({ frame }) =>
          (frame.type === MessageType.Result || frame.type === MessageType.Failure) &&
          eventProvisionSeq(frame.type === MessageType.Result ? 'result' : 'failure', frame.payload) ===
            provisionSeq,
      );
    try {
      let answer: Frame | undefined;
      try {
        answer = await this.request(
          MessageType.Provision,
          encodeProvision({ mode: options.mode, replaceIdentity: options.replaceIdentity ?? false }),
          {
            what: 'start provisioning',
            onSeq: (seq) => (provisionSeq = seq),
            onAnswer: () => (this.provisionAnswered = true),
          },
        );
      } catch (error) {
        // Every ACK (first and replayed) was lost, but the device's own outcome names this PROVISION:
        // it was accepted and has already ended (section 3.2). Report that outcome, not no-response.
        if (!(error instanceof LinkInterrupt && error.failure.kind === 'no-response' && ownOutcomeArrived()))
          throw error;
        this.provisionAnswered = true;
      }
      if (answer) this.expectAck(answer, 'start provisioning');
      const deadline = performance.now() + Timing.provisioningTotal * this.timeoutScale;
      for (;;) {
        this.throwIfInterrupted();
        let event = events.shift();
        if (!event) {
          const remaining = deadline - performance.now();
          if (remaining <= 0) {
            throw new LinkInterrupt({
              kind: 'timeout',
              message: `Provisioning did not finish within ${Timing.provisioningTotal / 1000} s. Abort, then retry with a fresh claim.`,
            });
          }
          await this.waitFor<void>(
            (resolve) => {
              wake = resolve;
              return () => (wake = undefined);
            },
            Math.min(remaining, Timing.provisioningSilence * this.timeoutScale),
          );
          event = events.shift();
          if (!event && deadline - performance.now() > 0) {
            throw new LinkInterrupt({
              kind: 'no-response',
              message: `The device went silent for ${Timing.provisioningSilence / 1000} s while provisioning. Check it is powered, then ask it to announce itself: if its HELLO names a new identity, provisioning succeeded and only the result was lost; otherwise abort and retry.`,
            });
          }
          if (!event) continue;
        }
        const { frame } = event;
        if (frame.type === MessageType.Progress) {
          // A same-seq PROGRESS is a heartbeat (proof of life, already counted by waking us): report
          // each event once.
          if (frame.seq === lastProgressSeq) {
            this.statsCounters.duplicateFrames++;
            continue;
          }
          const progress = decodeProgress(frame.payload);
          if (!progress.ok) continue;
          lastProgressSeq = frame.seq;
          this.emit('progress', {
            stage: progress.value.stage,
            stageName: progressStageName[progress.value.stage] ?? `stage-${progress.value.stage}`,
            ...(progress.value.detail ? { detail: progress.value.detail } : {}),
          });
        } else if (frame.type === MessageType.Result || frame.type === MessageType.Failure) {
          // The outcome of an earlier PROVISION is never this one's (section 3.2): its ProvisionSeq
          // names another PROVISION, or (a device of revision 1.0, without it) it repeats the last
          // outcome this link acted on.
          const key = (frame.type << 8) | frame.seq;
          const answers = eventProvisionSeq(
            frame.type === MessageType.Result ? 'result' : 'failure',
            frame.payload,
          );
          if (answers !== undefined ? answers !== provisionSeq : key === this.lastOutcome) {
            this.statsCounters.staleEvents++;
            continue;
          }
          this.lastOutcome = key;
        }
        if (frame.type === MessageType.Result) {
          const result = decodeResult(frame.payload);
          if (!result.ok) {
            throw new LinkInterrupt({
              kind: 'protocol-error',
              message: `The device's RESULT is invalid (${result.reason}).`,
            });
          }
          return result.value;
        } else if (frame.type === MessageType.Failure) {
          const failure = decodeFailure(frame.payload);
          if (!failure.ok) {
            throw new LinkInterrupt({
              kind: 'protocol-error',
              message: `The device's FAILURE is invalid (${failure.reason}).`,
            });
          }
          const codeName = errorCodeName[failure.value.code] ?? `0x${failure.value.code.toString(16)}`;
          const aws = failure.value.aws;
          const awsText = aws
            ? ` AWS answered ${aws.statusCode ?? '?'} ${aws.errorCode ?? ''}${aws.errorMessage ? `: ${aws.errorMessage}` : ''}.`
            : '';
          throw new LinkInterrupt({
            kind: 'provisioning-failed',
            failure: failure.value,
            codeName,
            message: `The device could not provision (${codeName}: ${failure.value.message}).${awsText} Fix the cause, then retry with a fresh claim.`,
          });
        }
      }
    } finally {
      this.provisionListener = undefined;
      this.provisionAnswered = false;
    }
  }

  // ---- requests ---------------------------------------------------------------------------------

  private async simpleRequest(type: number, payload: Buffer, what: string): Promise<Frame> {
    return this.expectAck(await this.request(type, payload, { what }), what);
  }

  private expectAck(frame: Frame, what: string): Frame {
    if (frame.type === MessageType.Nak) throw this.rejectedBy(frame, what);
    if (frame.type !== MessageType.Ack) throw this.unexpected(frame, 'ACK');
    return frame;
  }

  /** Sends a request and retransmits it (same seq) until ACK, NAK or HELLO with that seq arrives. */
  private async request(
    type: number,
    payload: Buffer,
    options: {
      what: string;
      timeoutMs?: number;
      acceptBootHello?: boolean;
      /** Called as the answer is received, before any later frame is dispatched. */
      onAnswer?: (frame: Frame) => void;
      /** Told the request's seq before it is sent. */
      onSeq?: (seq: number) => void;
      /** Default true; abort() sends its ABORT with false (see Waiter). */
      interruptible?: boolean;
    },
  ): Promise<Frame> {
    const seq = this.nextSeq();
    options.onSeq?.(seq);
    const wire = this.encode({ type, seq, payload });
    let answer: Frame | undefined;
    let wake: (() => void) | undefined;
    this.pending.set(seq, (frame) => {
      if (answer) return;
      answer = frame;
      options.onAnswer?.(frame);
      wake?.();
    });
    if (options.acceptBootHello) this.bootHelloListener = (frame) => this.pending.get(seq)?.(frame);
    try {
      for (let attempt = 0; attempt < Timing.requestAttempts; attempt++) {
        if (attempt > 0) this.statsCounters.retransmittedRequests++;
        await this.write(wire);
        const timeout =
          (options.timeoutMs ?? Timing.stationResponse) * this.timeoutScale + this.lineMs(wire.length + 96);
        await this.waitFor<void>(
          (resolve) => {
            wake = resolve;
            if (answer) resolve();
            return () => (wake = undefined);
          },
          timeout,
          options.interruptible ?? true,
        );
        if (answer) return answer;
      }
      throw new LinkInterrupt({
        kind: 'no-response',
        message: `The device did not answer when asked to ${options.what} (${Timing.requestAttempts} attempts). Check the cable, the port and that the device runs provisioning firmware.`,
      });
    } finally {
      this.pending.delete(seq);
      this.bootHelloListener = undefined;
      wire.fill(0);
    }
  }

  private bootHelloListener: ((frame: Frame) => void) | undefined;

  // ---- receiving --------------------------------------------------------------------------------

  private received(data: Buffer): void {
    for (const item of this.decoder.push(data)) {
      if (item.kind === 'text') {
        if (item.oversize) this.statsCounters.oversizeSegments++;
        this.log(this.logAssembler.push(item.bytes));
      } else if (item.kind === 'corrupt') {
        this.statsCounters.corruptFrames++;
      } else {
        this.log(this.logAssembler.flush());
        this.statsCounters.framesReceived++;
        this.dispatch(item.frame);
      }
    }
  }

  private log(lines: string[]): void {
    for (const line of lines) {
      this.statsCounters.logLines++;
      this.emit('log', line);
    }
  }

  private dispatch(frame: Frame): void {
    switch (frame.type) {
      case MessageType.Ack:
      case MessageType.Nak: {
        const settle = this.pending.get(frame.seq);
        if (settle) settle(frame);
        else this.statsCounters.duplicateFrames++;
        return;
      }
      case MessageType.Hello:
        return this.helloReceived(frame);
      case MessageType.Progress:
        this.provisionListener?.({ frame });
        return;
      case MessageType.Result:
      case MessageType.Failure: {
        // A device of revision 1.0 does not say which PROVISION an outcome answers: while our PROVISION
        // is unanswered such a copy may be an earlier one's, so leave it unacknowledged (the device
        // repeats it every second) and judge a copy that comes after the answer.
        const kind = frame.type === MessageType.Result ? 'result' : 'failure';
        if (
          this.provisionListener &&
          !this.provisionAnswered &&
          eventProvisionSeq(kind, frame.payload) === undefined
        ) {
          this.statsCounters.staleEvents++;
          return;
        }
        // Acknowledge every other copy so the device stops repeating; provision() acts on the first only.
        void this.write(
          this.encode({ type: MessageType.EventAck, seq: frame.seq, payload: Buffer.alloc(0) }),
        ).catch(() => undefined);
        if (this.provisionListener) this.provisionListener({ frame });
        else this.statsCounters.duplicateFrames++;
        return;
      }
      default:
        // Unknown device message types are ignored (a newer firmware may send more).
        return;
    }
  }

  /**
   * A HELLO is either the answer to HELLO_REQUEST or the device announcing a boot on its own. A boot
   * id other than the one we know means the device restarted: whatever it held in RAM is gone.
   */
  private helloReceived(frame: Frame): void {
    const settle = this.pending.get(frame.seq);
    const decoded = decodeHello(frame.payload);
    if (!decoded.ok) {
      settle?.(frame);
      return;
    }
    const hello = decoded.value;
    const known = this.announced;
    const restarted = known !== undefined && known.bootId !== hello.bootId;
    // A new boot restarts the device's event counter at 0: an old outcome's seq means nothing now.
    if (restarted) this.lastOutcome = undefined;
    if (!hello.boot && settle) {
      if (restarted) this.emit('rebooted', hello);
      settle(frame);
      return;
    }
    if (!hello.boot || (known && !restarted)) {
      this.statsCounters.duplicateFrames++;
      return;
    }
    this.announced = hello;
    if (restarted || known === undefined) this.emit('rebooted', hello);
    if (this.bootHelloListener) return this.bootHelloListener(frame);
    if (this.busy) {
      this.interrupt({
        kind: 'device-rebooted',
        hello,
        message: `Device ${hello.serialNumber} restarted; anything it held in RAM (the claim) is gone. Deliver a fresh claim.`,
      });
    }
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  private heldFromAck(frame: Frame, what: string): number {
    if (frame.type === MessageType.Nak) throw this.rejectedBy(frame, 'accept the claim');
    if (frame.type !== MessageType.Ack) throw this.unexpected(frame, 'ACK');
    const ack = decodeAck(frame.payload);
    if (!ack.ok || ack.value.heldBytes === undefined) {
      throw new LinkInterrupt({
        kind: 'protocol-error',
        message: `The device's ACK to ${what} lacks the held byte count.`,
      });
    }
    return ack.value.heldBytes;
  }

  private rejectedBy(frame: Frame, what: string): LinkInterrupt {
    const nak = decodeNak(frame.payload);
    const code = nak.ok ? nak.value.code : ErrorCode.Malformed;
    const codeName = errorCodeName[code] ?? `0x${code.toString(16)}`;
    const detail = nak.ok && nak.value.message ? `: ${nak.value.message}` : '';
    const advice =
      code === ErrorCode.IdentityPresent
        ? ' The device is already provisioned; ask the operator to confirm replacing its identity.'
        : code === ErrorCode.NoClaim
          ? ' Deliver the claim first.'
          : '';
    return new LinkInterrupt({
      kind: 'rejected',
      code,
      codeName,
      message: `The device refused to ${what} (${codeName}${detail}).${advice}`,
    });
  }

  private unexpected(frame: Frame, expected: string): LinkInterrupt {
    return new LinkInterrupt({
      kind: 'protocol-error',
      message: `Expected ${expected} from the device, got message type 0x${frame.type.toString(16)}.`,
    });
  }

  private transferFailed(held: number, total: number, why: string): LinkInterrupt {
    return new LinkInterrupt({
      kind: 'transfer-failed',
      heldBytes: held,
      message: `The claim transfer stalled at ${held} of ${total} bytes (${why}). Check the cable; retrying resumes from there.`,
    });
  }

  private nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    return seq;
  }

  private encode(frame: Frame): Buffer {
    const wire = encodeFrame(frame, !this.wroteFirstFrame);
    this.wroteFirstFrame = true;
    return wire;
  }

  private async write(wire: Buffer): Promise<void> {
    if (this.endedBy) throw new LinkInterrupt(this.endedBy);
    this.statsCounters.framesSent++;
    try {
      await this.transport.write(wire);
    } catch (error) {
      this.transportClosed((error as Error).message);
      throw new LinkInterrupt(this.endedBy ?? { kind: 'disconnected', message: 'The port went away.' });
    }
  }

  private lineMs(bytes: number): number {
    return (bytes * 10 * 1000) / this.options.baudRate;
  }

  private responseTimeout(bytesAhead: number): number {
    return Timing.stationResponse * this.timeoutScale + this.lineMs(bytesAhead);
  }

  /** Waits until `register`'s resolve is called or `timeoutMs` passes; interrupts reject it. */
  private waitFor<T>(
    register: (resolve: (value: T) => void) => () => void,
    timeoutMs: number,
    interruptible = true,
  ): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      if (this.endedBy) return reject(new LinkInterrupt(this.endedBy));
      if (interruptible && this.pendingInterrupt) return reject(new LinkInterrupt(this.pendingInterrupt));
      let unregister: () => void = () => undefined;
      const waiter: Waiter = {
        interruptible,
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(undefined);
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        unregister();
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
      unregister = register((value) => {
        cleanup();
        resolve(value);
      });
    });
  }

  /** Ends the running operation (if any) with `failure`, whether it is waiting right now or not. */
  private interrupt(failure: LinkFailure): void {
    if (this.busy) this.pendingInterrupt ??= failure;
    for (const waiter of [...this.waiters])
      if (waiter.interruptible) waiter.reject(new LinkInterrupt(failure));
  }

  private throwIfInterrupted(): void {
    if (this.pendingInterrupt) throw new LinkInterrupt(this.pendingInterrupt);
  }

  private end(failure: LinkFailure): void {
    if (this.endedBy) return;
    this.endedBy = failure;
    for (const waiter of [...this.waiters]) waiter.reject(new LinkInterrupt(failure));
  }

  private transportClosed(reason: string): void {
    if (this.endedBy) return;
    this.decoder.reset();
    this.log(this.logAssembler.flush());
    this.end({
      kind: 'disconnected',
      message: `The device's port went away (${reason}). Reconnect the cable and open the link again; a claim transfer resumes where it stopped.`,
    });
    this.emit('disconnected', reason);
  }
}

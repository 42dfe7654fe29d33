import { decodeClaimBlob } from '../../src/main/core/device-link/claim-blob.js';
import type { DecodedClaim } from '../../src/main/core/device-link/claim-blob.js';
import { crc32 } from '../../src/main/core/device-link/crc32.js';
import { decodeSegment, encodeFrame } from '../../src/main/core/device-link/frame-codec.js';
import type { Frame } from '../../src/main/core/device-link/frame-codec.js';
import {
  DeviceState,
  deviceStateName,
  ErrorCode,
  MessageType,
  PROTOCOL_VERSION,
  SUPPORTED_VERSIONS,
  Timing,
} from '../../src/main/core/device-link/protocol-constants.js';
import type { ProvisioningMode } from '../../src/main/core/device-link/protocol-constants.js';
import {
  decodeClaimBegin,
  decodeClaimChunk,
  decodeHelloRequest,
  decodeProvision,
  decodeResetIdentity,
  encodeAck,
  encodeFailure,
  encodeHello,
  encodeNak,
  encodeProgress,
  encodeResult,
  isWellFormed,
} from '../../src/main/core/device-link/protocol-messages.js';
import type { DeviceHello, ProvisioningFailure } from '../../src/main/core/device-link/protocol-messages.js';
import type { FaultName } from './device-faults.js';
import type { DeviceIdentityStore } from './device-identity-store.js';
import type { Provisioner } from './provisioner.js';
import type { SeededRandom } from './seeded-random.js';

export interface FirmwareConfig {
  serialNumber: string;
  model: string;
  hardwareRevision: string;
  firmwareVersion: string;
  rxBuffer: number;
  maxClaim: number;
  modes: ProvisioningMode[];
  /** Time the main loop needs per received frame, during which its bytes stay in the buffer. */
  processingMs: number;
  faults: ReadonlySet<FaultName>;
  random: SeededRandom;
  identityStore: DeviceIdentityStore;
  provisioner: Provisioner;
  /** Bytes to the UART transmitter. */
  send: (bytes: Buffer) => void;
  /** Asks the simulator to pull the cable (fault unplug-mid-transfer). */
  requestUnplug: () => void;
}

interface HeldClaim {
  claimId: string;
  total: number;
  crc32: number;
  held: number;
  buffer: Buffer;
  decoded?: DecodedClaim;
  /** performance.now() when the claim became complete, to age it by the station's clock. */
  completedAt?: number;
}

export interface FirmwareCounters {
  overflowBytes: number;
  corruptFramesIn: number;
  framesIn: number;
  framesOut: number;
  boots: number;
}

/**
 * The reference device implementation of docs/device-protocol.md, written the way MCU firmware would
 * be: a fixed receive buffer filled byte by byte, frames handled one at a time, the claim in RAM only.
 */
export class DeviceFirmware {
  private segment: number[] = [];
  private occupancy = 0;
  /** Skipping the rest of a segment that filled the whole receive buffer without a 00. */
  private discarding = false;
  private readonly work: Buffer[] = [];
  private working = false;
  private claim: HeldClaim | undefined;
  /** The last claim was wiped because it expired: PROVISION answers CLAIM_EXPIRED, not NO_CLAIM (4.5). */
  private claimExpired = false;
  private state: number = DeviceState.Idle;
  private lastRequest: { type: number; seq: number; response: Buffer } | undefined;
  private eventSeq = 0;
  private pendingEvent: { wire: Buffer; timer: NodeJS.Timeout; repeats: number; seq: number } | undefined;
  private provisioning: AbortController | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastProgress: Buffer | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private firedOnce = new Set<string>();
  private generation = 0;
  private bootId = 1;
  /** Provisioning attempts since boot: part of the claim connection's client id (section 6.1). */
  private attempts = 0;
  readonly counters: FirmwareCounters = {
    overflowBytes: 0,
    corruptFramesIn: 0,
    framesIn: 0,
    framesOut: 0,
    boots: 0,
  };

  constructor(private readonly config: FirmwareConfig) {}

  /** Power-on: RAM is cleared, the banner printed, the boot HELLO sent. */
  boot(): void {
    this.powerOff();
    this.generation++;
    this.counters.boots++;
    this.bootId = this.config.random.int(1, 0xffffffff);
    if (this.config.faults.has('boot-noise')) {
      this.config.send(this.config.random.bytes(48));
      this.printLog('\r\nets Jan  8 2013,rst cause:2, boot mode:(3,6)\r\nload 0x4010f000, len 3460, room 16');
    }
    this.printLog(
      `${this.config.model} ${this.config.firmwareVersion} booting, serial ${this.config.serialNumber}`,
    );
    this.printLog(`provisioning link ready, rx buffer ${this.config.rxBuffer} bytes`);
    if (!this.config.faults.has('silent'))
      this.sendFrame(MessageType.Hello, 0, encodeHello(this.helloFields(true)));
  }

  /** Power gone: every piece of RAM state (the claim above all) is lost. */
  powerOff(): void {
    this.provisioning?.abort();
    this.provisioning = undefined;
    this.stopHeartbeat();
    this.stopEvent();
    this.wipeClaim();
    this.segment = [];
    this.occupancy = 0;
    this.discarding = false;
    for (const buffer of this.work) buffer.fill(0);
    this.work.length = 0;
    this.lastRequest = undefined;
    this.claimExpired = false;
    this.eventSeq = 0;
    this.attempts = 0;
    this.state = DeviceState.Idle;
  }

  /** Bytes that finished arriving on the UART (the receive interrupt). */
  receive(bytes: Buffer): void {
    for (const byte of bytes) {
      if (this.discarding) {
        // Section 2.4: the rest of a segment that filled the buffer, up to and including its 00.
        if (byte === 0) this.discarding = false;
        continue;
      }
      if (this.segment.length >= this.config.rxBuffer) {
        // One segment fills the whole buffer and has no 00: it cannot be a frame. Discard it and
        // everything up to the next 00, count it as a corrupt frame; retransmission recovers.
        this.occupancy -= this.segment.length;
        this.segment.fill(0);
        this.segment = [];
        this.counters.corruptFramesIn++;
        this.discarding = byte !== 0;
        continue;
      }
      if (this.occupancy >= this.config.rxBuffer) {
        this.counters.overflowBytes++;
        continue;
      }
      this.occupancy++;
      if (byte !== 0) {
        this.segment.push(byte);
        continue;
      }
      if (this.segment.length === 0) {
        this.occupancy--;
        continue;
      }
      const segment = Buffer.from(this.segment);
      this.segment.fill(0);
      this.segment = [];
      this.work.push(segment);
    }
    this.runMainLoop();
  }

  private runMainLoop(): void {
    if (this.working) return;
    const segment = this.work.shift();
    if (!segment) return;
    this.working = true;
    const generation = this.generation;
    const finish = () => {
      if (generation !== this.generation) return;
      this.occupancy -= segment.length + 1;
      this.handleSegment(segment);
      segment.fill(0);
      this.working = false;
      this.runMainLoop();
    };
    if (this.config.processingMs > 0) setTimeout(finish, this.config.processingMs);
    else queueMicrotask(finish);
  }

  private handleSegment(segment: Buffer): void {
    if (this.config.faults.has('corrupt-crc') && this.config.random.next() < 0.15) {
      const index = this.config.random.int(0, segment.length - 1);
      segment[index] = (segment[index] as number) ^ 0x5a || 0x01;
    }
    const item = decodeSegment(segment);
    if (item.kind === 'corrupt') {
      this.counters.corruptFramesIn++;
      return;
    }
    if (item.kind !== 'frame') return;
    this.counters.framesIn++;
    if (this.config.faults.has('silent')) return;
    const frame = item.frame;
    // Types 00 and 80-ff are not requests (a device never answers them); EVENT_ACK is not a request.
    if (frame.type === 0 || frame.type >= 0x80) return;
    // Section 3.1: only an immediate retransmission (same type and seq as the last request, with no
    // request in between) replays the remembered answer; HELLO_REQUEST is always answered afresh.
    const repeated =
      frame.type !== MessageType.ClaimChunk &&
      frame.type !== MessageType.EventAck &&
      frame.type !== MessageType.HelloRequest &&
      this.lastRequest?.type === frame.type &&
      this.lastRequest.seq === frame.seq;
    if (repeated && this.lastRequest) {
      this.sendWire(this.lastRequest.response);
      return;
    }
    if (frame.type !== MessageType.EventAck) this.lastRequest = undefined;
    this.handleFrame(frame);
    frame.payload.fill(0);
  }

  private handleFrame(frame: Frame): void {
    const known = (Object.values(MessageType) as number[]).includes(frame.type);
    if (!known || frame.type === MessageType.ClaimCommit)
      return this.nak(frame, ErrorCode.UnknownType, `unknown message type 0x${frame.type.toString(16)}`);
    // Any PROVISION, whatever its answer, ends the repeats of an older RESULT/FAILURE (3.2).
    if (frame.type === MessageType.Provision) this.stopEvent();
    // Check 0 of every request with fields (all but CLAIM_CHUNK): well-formed fields (2.5).
    if (frame.type !== MessageType.ClaimChunk && !isWellFormed(frame.payload))
      return this.nak(frame, ErrorCode.Malformed, 'malformed fields');
    switch (frame.type) {
      case MessageType.HelloRequest: {
        const request = decodeHelloRequest(frame.payload);
        if (!request.ok) return this.nak(frame, ErrorCode.Malformed, request.reason);
        if (!SUPPORTED_VERSIONS.includes(request.value.protocolVersion)) {
          return this.respond(
            frame,
            MessageType.Nak,
            encodeNak({
              code: ErrorCode.VersionUnsupported,
              message: `protocol version ${request.value.protocolVersion} not served`,
              supportedVersions: [...SUPPORTED_VERSIONS],
            }),
          );
        }
        return this.respond(frame, MessageType.Hello, encodeHello(this.helloFields(false)));
      }
      case MessageType.ClaimBegin:
        return this.claimBegin(frame);
      case MessageType.ClaimChunk:
        return this.claimChunk(frame);
      case MessageType.Provision:
        return this.provision(frame);
      case MessageType.Abort:
        this.provisioning?.abort();
        this.provisioning = undefined;
        this.stopHeartbeat();
        this.stopEvent();
        this.wipeClaim();
        this.printLog('aborted by station, claim wiped');
        return this.respond(frame, MessageType.Ack, encodeAck());
      case MessageType.WipeClaim:
        if (this.state === DeviceState.Provisioning)
          return this.nak(frame, ErrorCode.Busy, 'provisioning; use ABORT');
        this.wipeClaim();
        return this.respond(frame, MessageType.Ack, encodeAck());
      case MessageType.ResetIdentity: {
        const request = decodeResetIdentity(frame.payload);
        // Checks in the order of section 4.6: 0 MALFORMED, 1 SERIAL_MISMATCH, 2 BUSY.
        if (!request.ok) return this.nak(frame, ErrorCode.Malformed, request.reason);
        if (request.value.serialNumber !== this.config.serialNumber) {
          return this.nak(frame, ErrorCode.SerialMismatch, 'serial number does not match this device');
        }
        if (this.state === DeviceState.Provisioning)
          return this.nak(frame, ErrorCode.Busy, 'provisioning; use ABORT');
        this.config.identityStore.erase();
        this.printLog('identity erased');
        return this.respond(frame, MessageType.Ack, encodeAck());
      }
      case MessageType.EventAck:
        if (this.pendingEvent && this.pendingEvent.seq === frame.seq) this.stopEvent();
        return;
      default:
        return this.nak(frame, ErrorCode.UnknownType, `unknown message type 0x${frame.type.toString(16)}`);
    }
  }

  private claimBegin(frame: Frame): void {
    const begin = decodeClaimBegin(frame.payload);
    if (!begin.ok) return this.nak(frame, ErrorCode.Malformed, begin.reason);
    if (this.state === DeviceState.Provisioning)
      return this.nak(frame, ErrorCode.Busy, 'provisioning; use ABORT');
    const { claimId, totalLength, crc32: expectedCrc } = begin.value;
    if (totalLength > this.config.maxClaim) {
      return this.nak(
        frame,
        ErrorCode.ClaimTooLarge,
        `claim of ${totalLength} bytes, room for ${this.config.maxClaim}`,
      );
    }
    const same =
      this.claim &&
      this.claim.claimId === claimId &&
      this.claim.total === totalLength &&
      this.claim.crc32 === expectedCrc;
    if (!same) {
      this.wipeClaim();
      this.claim = {
        claimId,
        total: totalLength,
        crc32: expectedCrc,
        held: 0,
        buffer: Buffer.alloc(totalLength),
      };
      this.state = DeviceState.ReceivingClaim;
    } else if (this.claim) {
      this.printLog(`resuming claim at ${this.claim.held}/${this.claim.total}`);
    }
    this.touchClaim();
    this.respond(frame, MessageType.Ack, encodeAck(this.claim?.held ?? 0));
  }

  private claimChunk(frame: Frame): void {
    const chunk = decodeClaimChunk(frame.payload);
    if (!chunk.ok) return this.nak(frame, ErrorCode.Malformed, chunk.reason);
    const claim = this.claim;
    if (!claim) return this.nak(frame, ErrorCode.NoClaim, 'no CLAIM_BEGIN');
    if (this.state === DeviceState.Provisioning)
      return this.nak(frame, ErrorCode.Busy, 'provisioning; use ABORT');
    const { offset, data } = chunk.value;
    if (offset + data.length > claim.total)
      return this.nak(frame, ErrorCode.Malformed, 'chunk runs past the claim');
    this.touchClaim();
    if (offset === claim.held && claim.held < claim.total) {
      data.copy(claim.buffer, offset);
      const before = claim.held;
      claim.held += data.length;
      const half = claim.total / 2;
      if (before < half && claim.held >= half) {
        if (this.once('unplug') && this.config.faults.has('unplug-mid-transfer')) this.config.requestUnplug();
        if (this.once('reboot-transfer') && this.config.faults.has('reboot-mid-transfer')) {
          setTimeout(() => this.boot(), 5);
        }
      }
      if (claim.held === claim.total) {
        if (crc32(claim.buffer) !== claim.crc32) {
          this.wipeClaim();
          return this.nak(frame, ErrorCode.ClaimCrcMismatch, 'claim CRC-32 does not match; send it again');
        }
        const decoded = decodeClaimBlob(claim.buffer);
        if (!decoded.ok) {
          this.wipeClaim();
          return this.nak(frame, ErrorCode.ClaimInvalid, decoded.reason);
        }
        if (decoded.claim.stationTime >= decoded.claim.expiresAt) {
          this.wipeClaim();
          this.claimExpired = true;
          return this.nak(frame, ErrorCode.ClaimExpired, 'the claim had expired when it was complete; wiped');
        }
        claim.decoded = decoded.claim;
        claim.completedAt = performance.now();
        this.state = DeviceState.ClaimReady;
        this.printLog(`claim ${claim.claimId.slice(0, 8)} received, ${claim.total} bytes, verified`);
      }
    }
    this.respond(frame, MessageType.Ack, encodeAck(claim.held));
  }

  private provision(frame: Frame): void {
    const request = decodeProvision(frame.payload);
    if (!request.ok) return this.nak(frame, ErrorCode.Malformed, request.reason);
    if (this.state === DeviceState.Provisioning)
      return this.nak(frame, ErrorCode.Busy, 'already provisioning');
    const claim = this.claim;
    if (!claim && this.claimExpired)
      return this.nak(frame, ErrorCode.ClaimExpired, 'the claim expired and was wiped');
    if (!claim?.decoded || claim.completedAt === undefined) {
      return this.nak(frame, claim ? ErrorCode.ClaimIncomplete : ErrorCode.NoClaim, 'no complete claim');
    }
    const mode = request.value.mode;
    if (!mode || !this.config.modes.includes(mode)) {
      return this.nak(frame, ErrorCode.ModeUnsupported, `mode ${mode ?? 'unknown'} not supported`);
    }
    const identity = this.config.identityStore.load();
    if (identity && !request.value.replaceIdentity) {
      return this.nak(frame, ErrorCode.IdentityPresent, `already provisioned as ${identity.thingName}`);
    }
    const stationNow = claim.decoded.stationTime + (performance.now() - claim.completedAt);
    if (stationNow >= claim.decoded.expiresAt) {
      this.wipeClaim();
      this.claimExpired = true;
      return this.nak(frame, ErrorCode.ClaimExpired, 'the claim certificate has expired');
    }
    this.respond(frame, MessageType.Ack, encodeAck());
    void this.runProvisioning(claim.decoded, mode, frame.seq);
  }

  /** `provisionSeq`: the PROVISION's seq, carried in the RESULT/FAILURE as ProvisionSeq (3.2). */
  private async runProvisioning(
    claim: DecodedClaim,
    mode: ProvisioningMode,
    provisionSeq: number,
  ): Promise<void> {
    const controller = new AbortController();
    const generation = this.generation;
    this.provisioning = controller;
    this.state = DeviceState.Provisioning;
    this.clearIdleTimer();
    this.heartbeat = setInterval(() => {
      if (this.lastProgress) this.sendWire(this.lastProgress);
    }, Timing.progressHeartbeat / 2);
    const failure = (code: number, message: string): ProvisioningFailure => ({ code, message });
    let outcome;
    try {
      outcome = await this.config.provisioner.provision({
        claim,
        mode,
        serialNumber: this.config.serialNumber,
        // Unique per attempt, across reboots too (BootId): a retry within a second never trips AWS's
        // one-CONNECT-per-second-per-client-id limit.
        claimClientId: `${this.config.serialNumber}-${this.bootId.toString(16).padStart(8, '0')}-${++this.attempts}`,
        signal: controller.signal,
        tamperOwnershipToken: this.config.faults.has('reject-provisioning'),
        onProgress: (stage, detail) => {
          if (controller.signal.aborted || generation !== this.generation) return;
          this.printLog(`provisioning stage ${stage}${detail ? `: ${detail}` : ''}`);
          this.lastProgress = this.frameWire(
            MessageType.Progress,
            this.eventSeq++ & 0xff,
            encodeProgress({ stage, ...(detail ? { detail } : {}) }),
          );
          this.sendWire(this.lastProgress);
          if (
            stage >= 6 &&
            this.config.faults.has('reboot-mid-provisioning') &&
            this.once('reboot-provisioning')
          ) {
            setTimeout(() => this.boot(), 1);
          }
        },
      });
    } catch (error) {
      outcome = {
        ok: false as const,
        failure: failure(ErrorCode.Internal, (error as Error).message.slice(0, 200)),
      };
    }
    if (controller.signal.aborted || generation !== this.generation) return;
    this.stopHeartbeat();
    this.provisioning = undefined;
    this.wipeClaim();
    if (outcome.ok) {
      this.config.identityStore.save(outcome.identity);
      this.printLog(`provisioned as ${outcome.result.thingName}`);
      this.sendEvent(MessageType.Result, encodeResult(outcome.result, provisionSeq));
    } else {
      this.printLog(`provisioning failed: ${outcome.failure.message}`);
      this.sendEvent(MessageType.Failure, encodeFailure(outcome.failure, provisionSeq));
    }
  }

  private sendEvent(type: number, payload: Buffer): void {
    this.stopEvent();
    const seq = this.eventSeq++ & 0xff;
    const wire = this.frameWire(type, seq, payload);
    const repeat = () => {
      if (!this.pendingEvent) return;
      if (this.pendingEvent.repeats++ >= 10) return this.stopEvent();
      this.sendWire(wire);
      this.pendingEvent.timer = setTimeout(repeat, Timing.eventRepeat);
    };
    this.pendingEvent = { wire, seq, repeats: 0, timer: setTimeout(() => undefined, 0) };
    repeat();
  }

  private stopEvent(): void {
    if (this.pendingEvent) clearTimeout(this.pendingEvent.timer);
    this.pendingEvent = undefined;
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.lastProgress = undefined;
  }

  private helloFields(boot: boolean): DeviceHello {
    const identity = this.config.identityStore.load();
    const claim = this.claim;
    return {
      protocolVersion: PROTOCOL_VERSION,
      serialNumber: this.config.serialNumber,
      model: this.config.model,
      hardwareRevision: this.config.hardwareRevision,
      firmwareVersion: this.config.firmwareVersion,
      rxBuffer: this.config.rxBuffer,
      modes: this.config.modes,
      maxClaim: this.config.maxClaim,
      state: deviceStateName[this.state] ?? 'idle',
      boot,
      bootId: this.bootId,
      ...(identity
        ? { identity: { thingName: identity.thingName, certificateId: identity.certificateId } }
        : {}),
      ...(claim ? { heldClaim: { claimId: claim.claimId, bytes: claim.held, total: claim.total } } : {}),
    };
  }

  private touchClaim(): void {
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => {
      if (this.state !== DeviceState.Provisioning) this.wipeClaim();
    }, Timing.claimIdleWipe);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Every wipe but the expiry ones (which set claimExpired right after) forgets an earlier expiry. */
  private wipeClaim(): void {
    this.claimExpired = false;
    this.claim?.buffer.fill(0);
    this.claim = undefined;
    this.clearIdleTimer();
    this.state = DeviceState.Idle;
  }

  private once(key: string): boolean {
    if (this.firedOnce.has(key)) return false;
    this.firedOnce.add(key);
    return true;
  }

  private nak(frame: Frame, code: number, message: string): void {
    this.respond(frame, MessageType.Nak, encodeNak({ code, message }));
  }

  private respond(request: Frame, type: number, payload: Buffer): void {
    const wire = this.frameWire(type, request.seq, payload);
    if (request.type !== MessageType.ClaimChunk)
      this.lastRequest = { type: request.type, seq: request.seq, response: wire };
    this.sendWire(wire);
  }

  private sendFrame(type: number, seq: number, payload: Buffer): void {
    this.sendWire(this.frameWire(type, seq, payload));
  }

  private frameWire(type: number, seq: number, payload: Buffer): Buffer {
    return encodeFrame({ type, seq, payload }, true);
  }

  private sendWire(wire: Buffer): void {
    let out = wire;
    if (this.config.faults.has('corrupt-crc') && this.config.random.next() < 0.15) {
      out = Buffer.from(wire);
      const index = this.config.random.int(1, out.length - 2);
      out[index] = (out[index] as number) ^ 0x5a || 0x01;
    }
    this.counters.framesOut++;
    this.config.send(out);
    if (this.config.faults.has('duplicate-frames')) this.config.send(out);
  }

  private printLog(text: string): void {
    this.config.send(Buffer.from(`${text}\r\n`, 'utf8'));
  }
}

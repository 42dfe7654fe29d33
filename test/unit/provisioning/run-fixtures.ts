import { transition } from '../../../src/main/core/provisioning/run-machine.js';
import {
  newRun,
  type DeviceFacts,
  type HeldIdentity,
  type ProvisionedIdentity,
  type RunEffect,
  type RunEvent,
  type RunFailure,
  type RunPhase,
  type RunState,
  type Transition,
} from '../../../src/main/core/provisioning/run-state.js';

export const T0 = 1_700_000_000_000;

export function deviceFacts(overrides: Partial<DeviceFacts> = {}): DeviceFacts {
  return {
    serialNumber: 'SN-000123',
    model: 'Sensor-A',
    hardwareRevision: 'B',
    firmwareVersion: '2.4.1',
    modes: ['keys', 'csr'],
    bootId: 7,
    ...overrides,
  };
}

/** The identity a device already holds when it is first plugged in. */
export const oldIdentity: HeldIdentity = { thingName: 'thing-old', certificateId: 'a'.repeat(64) };

/** The identity the device reports after this run provisioned it. */
export const newIdentity: ProvisionedIdentity = {
  thingName: 'thing-SN-000123',
  certificateId: 'b'.repeat(64),
  fingerprint: 'b'.repeat(64),
};

export function stepFailure(code = 'DEVICE_NO_RESPONSE'): Omit<RunFailure, 'phase'> {
  return {
    code,
    message: 'The device did not answer.',
    hint: 'Reseat the cable and press Retry.',
    detail: 'no ACK after 3 attempts',
    retryable: true,
  };
}

/**
 * One run driven through the pure machine. Event helpers stamp the run's current phaseSeq (pass
 * `seq` to send a stale one) and a clock that moves 1 s per event; every transition is kept.
 */
export class Run {
  state: RunState;
  now = T0;
  readonly transitions: Transition[] = [];

  constructor(state?: RunState) {
    this.state =
      state ??
      newRun({
        runId: 'run-1',
        batchId: 'batch-1',
        bayId: 'bay-1',
        portPath: '/dev/ttyUSB0',
        usbLocation: '1-1.2',
        at: T0,
      });
  }

  get phase(): RunPhase {
    return this.state.phase;
  }

  get seq(): number {
    return this.state.phaseSeq;
  }

  /** Applies an event and moves the run to whatever the machine returned. */
  send(event: RunEvent): Transition {
    const result = transition(this.state, event);
    this.transitions.push(result);
    this.state = result.state;
    return result;
  }

  /** Like send(), but the event must apply. */
  must(event: RunEvent): Transition {
    const result = this.send(event);
    if (!result.applied) throw new Error(`${event.type} did not apply in phase ${this.phase}`);
    return result;
  }

  at(): number {
    this.now += 1000;
    return this.now;
  }

  handshakeStarted(): RunEvent {
    return { type: 'handshake-started', at: this.at() };
  }
  hello(identity: HeldIdentity | null = null, device = deviceFacts(), seq = this.seq): RunEvent {
    return { type: 'hello', at: this.at(), phaseSeq: seq, device, identity };
  }
  confirm(): RunEvent {
    return { type: 'confirm-reprovision', at: this.at() };
  }
  slotGranted(): RunEvent {
    return { type: 'slot-granted', at: this.at() };
  }
  claimIssued(seq = this.seq): RunEvent {
    return {
      type: 'claim-issued',
      at: this.at(),
      phaseSeq: seq,
      claim: { claimId: 'claim-1', certificateId: 'c'.repeat(64), expiresAt: this.now + 300_000 },
    };
  }
  claimDelivered(seq = this.seq): RunEvent {
    return { type: 'claim-delivered', at: this.at(), phaseSeq: seq, durationMs: 180 };
  }
  progress(stage = 2, seq = this.seq): RunEvent {
    return {
      type: 'progress',
      at: this.at(),
      phaseSeq: seq,
      progress: { stage, stageName: 'REGISTER_THING', detail: null },
    };
  }
  provisioned(result: ProvisionedIdentity = newIdentity, seq = this.seq): RunEvent {
    return { type: 'provisioned', at: this.at(), phaseSeq: seq, result };
  }
  verified(otherCertificateIds: string[] = [], seq = this.seq): RunEvent {
    return { type: 'verified', at: this.at(), phaseSeq: seq, otherCertificateIds };
  }
  retired(
    outcome: 'retired' | 'left-for-admin' = 'retired',
    reason: string | null = null,
    seq = this.seq,
  ): RunEvent {
    return { type: 'retired', at: this.at(), phaseSeq: seq, outcome, reason };
  }
  stepFailed(failure = stepFailure(), seq = this.seq): RunEvent {
    return { type: 'step-failed', at: this.at(), phaseSeq: seq, failure };
  }
  timeout(seq = this.seq): RunEvent {
    return { type: 'timeout', at: this.at(), phaseSeq: seq };
  }
  deviceLost(): RunEvent {
    return { type: 'device-lost', at: this.at() };
  }
  deviceReturned(portPath = '/dev/ttyUSB3', usbLocation: string | null = '1-1.4'): RunEvent {
    return { type: 'device-returned', at: this.at(), portPath, usbLocation };
  }
  retry(connected = true): RunEvent {
    return { type: 'retry', at: this.at(), connected };
  }
  cancel(): RunEvent {
    return { type: 'cancel', at: this.at() };
  }
  recover(): RunEvent {
    return { type: 'recover', at: this.at() };
  }
}

/** Options for driving a run to a phase. */
export interface DriveOptions {
  /** The identity the device announces at its first HELLO; a re-provision is confirmed for it. */
  held?: HeldIdentity | null;
  modes?: DeviceFacts['modes'];
}

/** A run driven along the happy path until it is in `phase`. */
export function runIn(
  phase:
    | 'detected'
    | 'handshake'
    | 'needs-confirmation'
    | 'queued'
    | 'claim'
    | 'delivery'
    | 'provisioning'
    | 'verification'
    | 'retiring'
    | 'done',
  options: DriveOptions = {},
): Run {
  const held = options.held ?? (phase === 'needs-confirmation' || phase === 'retiring' ? oldIdentity : null);
  const run = new Run();
  const steps: (() => RunEvent)[] = [
    () => run.handshakeStarted(),
    () => run.hello(held, deviceFacts({ modes: options.modes ?? ['keys', 'csr'] })),
    ...(held ? [() => run.confirm()] : []),
    () => run.slotGranted(),
    () => run.claimIssued(),
    () => run.claimDelivered(),
    () => run.provisioned(),
    () => run.verified(),
  ];
  for (const step of steps) {
    if (run.phase === phase) return run;
    run.must(step());
  }
  if (run.phase !== phase) throw new Error(`could not drive the run to ${phase} (it is in ${run.phase})`);
  return run;
}

export function effectTypes(effects: readonly RunEffect[]): RunEffect['type'][] {
  return effects.map((effect) => effect.type);
}

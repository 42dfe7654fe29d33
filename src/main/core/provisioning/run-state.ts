/**
 * The state of one device run (one device, one attempt chain, in one batch), the events that move
 * it and the effects it asks for. Everything here is plain JSON: it is journaled as it is, so it
 * holds ids, names, times and messages — never claim, key or token material.
 */

import { runPhaseNames } from '../../../shared/view-models.js';

export type ProvisioningModeName = 'csr' | 'keys';

/** The phases, in the order a run goes through them (the list lives with the view models). */
export const runPhases = runPhaseNames;
export type RunPhase = (typeof runPhases)[number];

export const finalPhases: readonly RunPhase[] = ['done', 'cancelled'];
/** Phases in which the run holds one of the batch's bay slots. */
export const slotPhases: readonly RunPhase[] = [
  'claim',
  'delivery',
  'provisioning',
  'verification',
  'retiring',
];
/** Phases with a step timeout. */
export const timedPhases: readonly RunPhase[] = [
  'handshake',
  'claim',
  'delivery',
  'provisioning',
  'verification',
  'retiring',
  'recovering',
];

export interface DeviceFacts {
  serialNumber: string;
  model: string;
  hardwareRevision: string;
  firmwareVersion: string;
  modes: ProvisioningModeName[];
  bootId: number;
}

export interface HeldIdentity {
  thingName: string;
  certificateId: string;
}

export interface ProvisionedIdentity {
  thingName: string;
  certificateId: string;
  /** SHA-256 of the certificate DER as the device reported it. */
  fingerprint: string;
}

/** Where a failure came from; the code says what, the hint what to do. */
export interface RunFailure {
  /** Stable, documented code (docs/operations.md lists them): DEVICE_NO_RESPONSE, CLAIM_ACCESS_DENIED, … */
  code: string;
  /** What happened, in plain words. */
  message: string;
  /** What the operator can do about it. */
  hint: string;
  /** The underlying device or AWS error in full (names, codes, messages; never secrets). */
  detail: string | null;
  /** The phase the run was in. */
  phase: RunPhase;
  /** True when pressing Retry (or re-plugging) can help without changing anything else. */
  retryable: boolean;
}

export interface ClaimFacts {
  claimId: string;
  certificateId: string;
  expiresAt: number;
}

export interface ProgressFacts {
  stage: number;
  stageName: string;
  detail: string | null;
}

export interface RunState {
  runId: string;
  batchId: string;
  bayId: string;
  portPath: string;
  usbLocation: string | null;
  /** 1 for the first try; Retry adds one. */
  attempt: number;
  phase: RunPhase;
  /** Changes on every phase change; results of effects from an older phase are ignored. */
  phaseSeq: number;
  phaseStartedAt: number;
  startedAt: number;
  finishedAt: number | null;
  device: DeviceFacts | null;
  /** The identity the device announced before this run touched it. */
  heldIdentity: HeldIdentity | null;
  reprovisionConfirmed: boolean;
  mode: ProvisioningModeName | null;
  claim: ClaimFacts | null;
  progress: ProgressFacts | null;
  result: ProvisionedIdentity | null;
  /** Other certificates attached to the Thing (e.g. after a device reset mid-provisioning). */
  otherCertificateIds: string[];
  replaced: { certificateId: string; outcome: 'retired' | 'left-for-admin'; reason: string | null } | null;
  failure: RunFailure | null;
  /** The device was told to provision at least once: an identity it announces may be this run's. */
  provisionStarted: boolean;
  /** Set after a restart: the run is re-checked against the registry before anything else. */
  recovering: boolean;
  /** Set when a verified result came from a re-check (restart) rather than this station watching. */
  recoveredResult: boolean;
}

export type RunEvent =
  | { type: 'handshake-started'; at: number }
  | { type: 'hello'; at: number; phaseSeq: number; device: DeviceFacts; identity: HeldIdentity | null }
  | { type: 'confirm-reprovision'; at: number }
  | { type: 'slot-granted'; at: number }
  | { type: 'claim-issued'; at: number; phaseSeq: number; claim: ClaimFacts }
  | { type: 'claim-delivered'; at: number; phaseSeq: number; durationMs: number }
  | { type: 'progress'; at: number; phaseSeq: number; progress: ProgressFacts }
  | { type: 'provisioned'; at: number; phaseSeq: number; result: ProvisionedIdentity }
  | { type: 'verified'; at: number; phaseSeq: number; otherCertificateIds: string[] }
  | {
      type: 'retired';
      at: number;
      phaseSeq: number;
      outcome: 'retired' | 'left-for-admin';
      reason: string | null;
    }
  | { type: 'step-failed'; at: number; phaseSeq: number; failure: Omit<RunFailure, 'phase'> }
  | { type: 'timeout'; at: number; phaseSeq: number }
  | { type: 'device-lost'; at: number }
  | { type: 'device-returned'; at: number; portPath: string; usbLocation: string | null }
  /** `connected`: whether the device's link is open now; without it the run waits for the device. */
  | { type: 'retry'; at: number; connected: boolean }
  | { type: 'cancel'; at: number }
  | { type: 'recover'; at: number };

export type RunEffect =
  | { type: 'hello' }
  | { type: 'request-slot' }
  | { type: 'release-slot' }
  | { type: 'request-claim' }
  | { type: 'deliver-claim' }
  | { type: 'wipe-claim' }
  | { type: 'start-provisioning'; mode: ProvisioningModeName; replaceIdentity: boolean }
  | { type: 'verify'; expected: ProvisionedIdentity }
  | { type: 'retire'; thingName: string; certificateId: string }
  | { type: 'abort-device' }
  | { type: 'arm-timeout'; phase: RunPhase; phaseSeq: number }
  | { type: 'write-audit' };

export interface Transition {
  state: RunState;
  effects: RunEffect[];
  /** False when the event did not apply (stale result, wrong phase); nothing is journaled then. */
  applied: boolean;
}

export function newRun(input: {
  runId: string;
  batchId: string;
  bayId: string;
  portPath: string;
  usbLocation: string | null;
  at: number;
}): RunState {
  const { at, ...where } = input;
  return {
    ...where,
    attempt: 1,
    phase: 'detected',
    phaseSeq: 0,
    phaseStartedAt: at,
    startedAt: at,
    finishedAt: null,
    device: null,
    heldIdentity: null,
    reprovisionConfirmed: false,
    mode: null,
    claim: null,
    progress: null,
    result: null,
    otherCertificateIds: [],
    replaced: null,
    failure: null,
    provisionStarted: false,
    recovering: false,
    recoveredResult: false,
  };
}

import type { BatchStatusName, BayView, RunPhaseName } from '../../../shared/view-models.js';

/** A state's colour (.state-* in the CSS), always beside an icon and a word, never alone. */
export type PhaseTone = 'ok' | 'fail' | 'warn' | 'busy' | 'idle';

/**
 * The icons screens/batch/PhaseIcon.tsx draws for run phases, bays and batch states: SVG, so they
 * look the same on every station whatever its fonts.
 */
export const phaseIconNames = [
  'plug',
  'handshake',
  'question',
  'clock',
  'key',
  'transfer',
  'cloud',
  'search',
  'recycle',
  'restore',
  'unplugged',
  'check',
  'cross',
  'ban',
  'play',
  'pause',
  'flag',
  'sound-on',
  'sound-off',
] as const;
export type PhaseIconName = (typeof phaseIconNames)[number];

export interface PhaseLook {
  /** One or two words, readable from two metres: "Provisioning", "Done", "Failed". */
  word: string;
  icon: PhaseIconName;
  tone: PhaseTone;
  /** What the operator does now, in a short sentence. */
  next: string;
  /** The station is working on it: its elapsed time runs live. */
  busy: boolean;
  /** Nothing more happens to this run unless the operator acts. */
  final: boolean;
}

const leaveIt = 'Leave it plugged in.';
const doNotUnplug = 'Leave it plugged in — do not unplug now.';

const looks: Record<RunPhaseName, PhaseLook> = {
  detected: {
    word: 'Detected',
    icon: 'plug',
    tone: 'busy',
    next: 'Leave it plugged in; the station is contacting it.',
    busy: true,
    final: false,
  },
  handshake: {
    word: 'Connecting',
    icon: 'handshake',
    tone: 'busy',
    next: 'Leave it plugged in; waiting for the device to answer.',
    busy: true,
    final: false,
  },
  'needs-confirmation': {
    word: 'Confirm',
    icon: 'question',
    tone: 'warn',
    next: 'It already holds an identity: open it and confirm the re-provision, or cancel it.',
    busy: false,
    final: false,
  },
  queued: {
    word: 'Queued',
    icon: 'clock',
    tone: 'idle',
    next: 'Leave it plugged in; it starts when a bay is free.',
    busy: true,
    final: false,
  },
  claim: { word: 'Claim', icon: 'key', tone: 'busy', next: leaveIt, busy: true, final: false },
  delivery: {
    word: 'Sending claim',
    icon: 'transfer',
    tone: 'busy',
    next: doNotUnplug,
    busy: true,
    final: false,
  },
  provisioning: {
    word: 'Provisioning',
    icon: 'cloud',
    tone: 'busy',
    next: doNotUnplug,
    busy: true,
    final: false,
  },
  verification: { word: 'Verifying', icon: 'search', tone: 'busy', next: leaveIt, busy: true, final: false },
  retiring: {
    word: 'Retiring old',
    icon: 'recycle',
    tone: 'busy',
    next: leaveIt,
    busy: true,
    final: false,
  },
  recovering: {
    word: 'Re-checking',
    icon: 'restore',
    tone: 'busy',
    next: 'Leave it plugged in; the station is checking what happened before the restart.',
    busy: true,
    final: false,
  },
  unplugged: {
    word: 'Unplugged',
    icon: 'unplugged',
    tone: 'warn',
    next: 'Plug it back in to continue.',
    busy: false,
    final: false,
  },
  done: { word: 'Done', icon: 'check', tone: 'ok', next: 'Verified: unplug it.', busy: false, final: true },
  failed: {
    word: 'Failed',
    icon: 'cross',
    tone: 'fail',
    next: 'Read the error, then Retry or set the device aside.',
    busy: false,
    final: false,
  },
  cancelled: {
    word: 'Cancelled',
    icon: 'ban',
    tone: 'idle',
    next: 'Nothing more happens to it; unplug it.',
    busy: false,
    final: true,
  },
};

export function phaseLook(phase: RunPhaseName): PhaseLook {
  return looks[phase];
}

/** The state words a screen reader hears: "Provisioning. Leave it plugged in — do not unplug now." */
export function phaseSentence(phase: RunPhaseName): string {
  const look = looks[phase];
  return `${look.word}. ${look.next}`;
}

export interface StateLook {
  word: string;
  icon: PhaseIconName;
  tone: PhaseTone;
}

const batchLooks: Record<BatchStatusName, StateLook> = {
  running: { word: 'Running', icon: 'play', tone: 'ok' },
  paused: { word: 'Paused', icon: 'pause', tone: 'warn' },
  finished: { word: 'Finished', icon: 'flag', tone: 'idle' },
  cancelled: { word: 'Cancelled', icon: 'ban', tone: 'idle' },
};

export function batchStatusLook(status: BatchStatusName): StateLook {
  return batchLooks[status];
}

const bayLooks: Record<BayView['status'], StateLook> = {
  probing: { word: 'Looking for a device', icon: 'handshake', tone: 'busy' },
  'no-answer': { word: 'No answer', icon: 'question', tone: 'warn' },
  device: { word: 'Device', icon: 'plug', tone: 'busy' },
  released: { word: 'Free', icon: 'unplugged', tone: 'idle' },
};

/** A bay (one port) in words: "Device SN-0042", "No answer", "Free". */
export function bayStatusLook(bay: Pick<BayView, 'status' | 'serialNumber'>): StateLook {
  const look = bayLooks[bay.status];
  return bay.status === 'device' && bay.serialNumber ? { ...look, word: `Device ${bay.serialNumber}` } : look;
}

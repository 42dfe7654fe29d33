import { useEffect, useSyncExternalStore } from 'react';
import { announceTransitions } from '../format/transition-announcement.js';
import { readPreference, writePreference } from '../preferences/ui-preferences.js';
import type { StationStore } from '../store/station-store.js';
import { useStationStore } from '../store/use-station-state.js';
import { type CueBaseline, type CueName, decideCue } from './cue-transitions.js';
import { playCue, primeAudio } from './tone-player.js';

/** A UI preference, not a secret: whether the station beeps. On unless the operator turned it off. */
const soundKey = 'sound';

export interface CueState {
  soundOn: boolean;
  /** Cues decided so far (played, or silent because sound is off): lets a test see one happen. */
  count: number;
  last: CueName | null;
  /** The last cue in words ("SIM0001-001 provisioned as …"), for the queue's live region. */
  announcement: string;
}

let state: CueState = { soundOn: readPreference(soundKey) !== 'off', count: 0, last: null, announcement: '' };
const listeners = new Set<() => void>();

function update(patch: Partial<CueState>): void {
  state = { ...state, ...patch };
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setSoundOn(on: boolean): void {
  // Storage unavailable: the choice lasts for this session only.
  writePreference(soundKey, on ? 'on' : 'off');
  if (on) primeAudio();
  update({ soundOn: on });
}

/**
 * Follows the store for as long as it lives, so a device turning done is heard on every screen
 * (the operator may be reading another device's detail), not only while the queue is shown.
 */
const followed = new WeakSet<StationStore>();

function follow(store: StationStore): void {
  if (followed.has(store)) return;
  followed.add(store);
  let baseline: CueBaseline | null = null;
  let lastRuns: unknown = null;
  const check = () => {
    const { queue } = store.getSnapshot();
    if (queue.runs === lastRuns) return;
    lastRuns = queue.runs;
    const decision = decideCue(baseline, queue.batch?.id ?? null, queue.runs);
    baseline = decision.baseline;
    if (!decision.cue) return;
    if (state.soundOn) playCue(decision.cue);
    update({
      count: state.count + 1,
      last: decision.cue,
      announcement: announceTransitions(decision.transitions),
    });
  };
  check();
  store.subscribe(check);
}

/** Starts the cues (once per store) and returns the sound state for the toggle. */
export function useAudibleCues(): CueState {
  const store = useStationStore();
  useEffect(() => follow(store), [store]);
  return useSyncExternalStore(subscribe, () => state);
}

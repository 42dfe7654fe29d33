import { useSyncExternalStore } from 'react';

/**
 * One clock for every live time on screen (elapsed times, claim countdowns): a single 1 s
 * interval, running only while something shows a live time, however many rows do.
 */
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const each of listeners) each();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

const idle = () => () => undefined;

/** The current time, updated every second while `live`; when not live, the time it last ticked. */
export function useNow(live: boolean): number {
  return useSyncExternalStore(live ? subscribe : idle, () => now);
}

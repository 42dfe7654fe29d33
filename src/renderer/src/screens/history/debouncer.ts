/** The timer functions a debouncer needs; injected so tests run without waiting. */
export interface DebounceTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Debouncer<T> {
  /** A new value: fire with it once `delayMs` passed without another. */
  push(value: T): void;
  /** Fire now with this value (Enter, or a scanner's end of line); drops the pending one. */
  fireNow(value: T): void;
  /** Drop the pending value (the screen went away). */
  cancel(): void;
}

const globalTimers: DebounceTimers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

/**
 * Typing waits for a pause before searching; Enter searches at once. A value equal to the one
 * fired last is not fired again, so Enter after the pause (a scanner) does not search twice.
 */
export function createDebouncer<T>(
  delayMs: number,
  fire: (value: T) => void,
  timers: DebounceTimers = globalTimers,
): Debouncer<T> {
  let pending: unknown = undefined;
  let hasFired = false;
  let lastFired: T | undefined;

  const cancel = () => {
    if (pending !== undefined) timers.clearTimeout(pending);
    pending = undefined;
  };
  const fireIfNew = (value: T) => {
    if (hasFired && Object.is(value, lastFired)) return;
    hasFired = true;
    lastFired = value;
    fire(value);
  };

  return {
    push(value) {
      cancel();
      pending = timers.setTimeout(() => {
        pending = undefined;
        fireIfNew(value);
      }, delayMs);
    },
    fireNow(value) {
      cancel();
      fireIfNew(value);
    },
    cancel,
  };
}

/**
 * Tells a keyboard-wedge barcode scanner from a person typing. A scanner "types" the code as a
 * burst of key presses a few milliseconds apart and ends it with Enter; nobody types that fast.
 * Pure (keys and times in, a code or nothing out), so it is tested without a DOM.
 */

export interface WedgeKey {
  /** KeyboardEvent.key: one character for printable keys, a name ("Enter", "Shift") otherwise. */
  key: string;
  /** Milliseconds, from the event's timeStamp or any monotonic clock. */
  at: number;
}

export interface WedgeDetectorOptions {
  /** The longest gap between two key presses of one burst (ms). */
  maxGapMs: number;
  /** The fewest characters a burst must have to count as a scan. */
  minLength: number;
}

export const defaultWedgeOptions: WedgeDetectorOptions = { maxGapMs: 35, minLength: 4 };

/** Keys a scanner may press between characters (Shift for capitals) that neither add nor break a burst. */
const ignoredKeys = new Set(['Shift', 'CapsLock']);

export type WedgeVerdict =
  /** A whole scan ended with this Enter: the caller should swallow the Enter and use the code. */
  | { kind: 'scan'; code: string }
  /** The key belongs to a burst in progress (a scan, very likely): the caller may swallow it. */
  | { kind: 'burst' }
  /** An ordinary key press. */
  | { kind: 'key' };

export class WedgeDetector {
  private buffer = '';
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: WedgeDetectorOptions = defaultWedgeOptions) {}

  feed({ key, at }: WedgeKey): WedgeVerdict {
    const inTime = at - this.lastAt <= this.options.maxGapMs;
    if (ignoredKeys.has(key)) {
      if (this.buffer.length === 0 || !inTime) return { kind: 'key' };
      this.lastAt = at;
      return { kind: 'burst' };
    }
    if (key === 'Enter') {
      const code = inTime && this.buffer.length >= this.options.minLength ? this.buffer : null;
      this.reset();
      return code === null ? { kind: 'key' } : { kind: 'scan', code };
    }
    if ([...key].length !== 1) {
      // Arrows, Tab, Escape, function keys: a person is at the keyboard.
      this.reset();
      return { kind: 'key' };
    }
    const continues = inTime && this.buffer.length > 0;
    this.buffer = continues ? this.buffer + key : key;
    this.lastAt = at;
    return continues ? { kind: 'burst' } : { kind: 'key' };
  }

  reset(): void {
    this.buffer = '';
    this.lastAt = Number.NEGATIVE_INFINITY;
  }
}

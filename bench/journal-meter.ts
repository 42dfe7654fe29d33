import type { Journal } from '../src/main/core/journal/journal.js';

const metered = ['recordTransition', 'createRun', 'writeAudit'] as const;

/** Journal writes since a mark: how many, by kind, and the main-thread ms they took. */
export interface JournalUse {
  calls: number;
  ms: number;
  /** Writes by kind: 'createRun', 'writeAudit', or the transition's event type. */
  byKind: ReadonlyMap<string, number>;
}

/**
 * Diagnosis, not a goal: wraps the journal's write methods on this one instance to add up the time
 * the main thread spends in them (each is a synchronous SQLite transaction, fsync'd), and to count
 * them by kind, so that the printed figures say what the engine journals rather than assume it.
 * The wrapper itself costs two performance.now() calls per write.
 */
export class JournalMeter {
  private calls = 0;
  private ms = 0;
  private byKind = new Map<string, number>();
  /**
   * Per run: main-thread ms journaling the device's progress events, if the engine journals them.
   * Such writes happen while the engine awaits startProvisioning(), so engine.timings() counts them
   * as device time.
   */
  private readonly progressMs = new Map<string, number>();

  constructor(journal: Journal) {
    for (const name of metered) {
      const original = journal[name] as (...args: unknown[]) => unknown;
      const wrapped = (...args: unknown[]) => {
        const started = performance.now();
        try {
          return original.apply(journal, args);
        } finally {
          const ms = performance.now() - started;
          this.ms += ms;
          this.calls++;
          const [runId, event] = args as [string, { type?: string } | undefined];
          const kind = name === 'recordTransition' ? (event?.type ?? 'transition') : name;
          this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
          if (kind === 'progress') this.progressMs.set(runId, (this.progressMs.get(runId) ?? 0) + ms);
        }
      };
      Object.defineProperty(journal, name, { value: wrapped, configurable: true, writable: true });
    }
  }

  /** A finished run's progress-journaling ms, 0 when none were journaled (forgotten once read). */
  takeProgressMs(runId: string): number {
    const ms = this.progressMs.get(runId) ?? 0;
    this.progressMs.delete(runId);
    return ms;
  }

  /** The writes since the last mark. */
  mark(): JournalUse {
    const since = { calls: this.calls, ms: this.ms, byKind: this.byKind };
    this.calls = 0;
    this.ms = 0;
    this.byKind = new Map();
    this.progressMs.clear();
    return since;
  }
}

/** Journaled progress events per device in `use`. */
export function progressWritesPerDevice(use: JournalUse, devices: number): number {
  return (use.byKind.get('progress') ?? 0) / devices;
}

export function describeJournal(use: JournalUse, devices: number): string {
  const perDevice = (count: number) => (count / devices).toFixed(1);
  let transitions = 0;
  for (const [kind, count] of use.byKind)
    if (kind !== 'createRun' && kind !== 'writeAudit') transitions += count;
  return (
    `journal writes on the main thread: ${perDevice(use.calls)} per device (transitions ${perDevice(transitions)}, ` +
    `of them progress ${perDevice(use.byKind.get('progress') ?? 0)}; run records ${perDevice(use.byKind.get('createRun') ?? 0)}; ` +
    `audit records ${perDevice(use.byKind.get('writeAudit') ?? 0)}), ` +
    `${(use.ms / devices).toFixed(1)} ms per device (${(use.ms / Math.max(1, use.calls)).toFixed(2)} ms each)`
  );
}

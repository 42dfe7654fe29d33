import type { Journal } from '../src/main/core/journal/journal.js';

const metered = ['recordTransition', 'createRun', 'writeAudit'] as const;

/**
 * Diagnosis, not a goal: wraps the journal's write methods on this one instance to add up the time
 * the main thread spends in them (each is a synchronous SQLite transaction, fsync'd). The wrapper
 * itself costs two performance.now() calls per write.
 */
export class JournalMeter {
  calls = 0;
  ms = 0;
  /**
   * Per run: main-thread ms journaling the device's progress events. They are written while the
   * engine awaits startProvisioning(), so engine.timings() counts them as device time.
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
          if (name === 'recordTransition' && event?.type === 'progress') {
            this.progressMs.set(runId, (this.progressMs.get(runId) ?? 0) + ms);
          }
        }
      };
      Object.defineProperty(journal, name, { value: wrapped, configurable: true, writable: true });
    }
  }

  /** A finished run's progress-journaling ms (forgotten once read). */
  takeProgressMs(runId: string): number {
    const ms = this.progressMs.get(runId) ?? 0;
    this.progressMs.delete(runId);
    return ms;
  }

  /** The writes since the last mark: count, main-thread ms and ms per write. */
  mark(): { calls: number; ms: number } {
    const since = { calls: this.calls, ms: this.ms };
    this.calls = 0;
    this.ms = 0;
    this.progressMs.clear();
    return since;
  }
}

export function describeJournal(since: { calls: number; ms: number }, devices: number): string {
  return (
    `journal writes on the main thread: ${(since.calls / devices).toFixed(1)} per device, ` +
    `${(since.ms / devices).toFixed(1)} ms per device (${(since.ms / Math.max(1, since.calls)).toFixed(2)} ms each)`
  );
}

/**
 * The last lines the core logged, kept in memory for the system report a support person reads. It
 * is fed after redaction (StationCore wraps its redacting log), so it only ever holds what the log
 * already holds; a fixed-size ring, so a chatty bench costs no more memory than a quiet one.
 */
export class RecentLogLines {
  private readonly lines: string[] = [];
  private next = 0;
  private readonly capacity: number;

  constructor(capacity = 500) {
    this.capacity = Math.max(1, Math.floor(capacity));
  }

  /** Keeps `line`, stamped with `at` (ms since the epoch), dropping the oldest once full. */
  add(line: string, at: number): void {
    const stamped = `${new Date(at).toISOString()} ${line}`;
    if (this.lines.length < this.capacity) {
      this.lines.push(stamped);
    } else {
      this.lines[this.next] = stamped;
    }
    this.next = (this.next + 1) % this.capacity;
  }

  /** The last `limit` lines (all kept ones by default), oldest first. */
  recent(limit = this.capacity): string[] {
    const ordered =
      this.lines.length < this.capacity
        ? [...this.lines]
        : [...this.lines.slice(this.next), ...this.lines.slice(0, this.next)];
    return limit >= ordered.length ? ordered : ordered.slice(ordered.length - Math.max(0, limit));
  }
}

/**
 * One direction of a UART: bytes pushed in come out only once their line time (10 bits per byte:
 * start, 8 data, stop) has passed, back to back, as on a real wire. A pseudo-terminal ignores the baud
 * rate, so the simulator paces both directions with this.
 */
export class PacedLine {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  /** performance.now() at which the last delivered byte finished on the line. */
  private lineClock = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly byteMs: number;

  constructor(
    baudRate: number,
    private readonly deliver: (bytes: Buffer) => void,
  ) {
    this.byteMs = 10_000 / baudRate;
  }

  push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.queued === 0) this.lineClock = Math.max(this.lineClock, performance.now());
    this.queue.push(Buffer.from(bytes));
    this.queued += bytes.length;
    this.schedule();
  }

  /** Drops everything in flight (cable pulled, device reset). */
  clear(): void {
    for (const buffer of this.queue) buffer.fill(0);
    this.queue.length = 0;
    this.queued = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.queued === 0) return;
    const untilNext = this.lineClock + this.byteMs - performance.now();
    this.timer = setTimeout(() => this.pump(), Math.max(0, untilNext));
  }

  private pump(): void {
    this.timer = undefined;
    const due = Math.min(this.queued, Math.floor((performance.now() - this.lineClock) / this.byteMs));
    if (due > 0) {
      const out = Buffer.alloc(due);
      let filled = 0;
      while (filled < due) {
        const head = this.queue[0] as Buffer;
        const take = Math.min(head.length, due - filled);
        head.copy(out, filled, 0, take);
        filled += take;
        if (take === head.length) this.queue.shift();
        else this.queue[0] = head.subarray(take);
      }
      this.queued -= due;
      this.lineClock += due * this.byteMs;
      this.deliver(out);
    }
    this.schedule();
  }
}

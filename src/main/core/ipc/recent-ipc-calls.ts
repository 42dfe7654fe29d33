/** One call the renderer made: its channel name and when. Never its arguments. */
export interface IpcCallMark {
  at: number;
  channel: string;
}

/**
 * The last few IPC channels the renderer called, for a crash entry's "what the operator was
 * doing". Names only: arguments hold passwords, profile files and labels, and are never kept.
 * Channels in `ignored` are not kept at all: the renderer's own diagnostics reports would otherwise
 * push the operator's calls out (a page reporting a problem a frame is all the entry would show).
 */
export class RecentIpcCalls {
  private readonly marks: IpcCallMark[] = [];
  private readonly ignored: ReadonlySet<string>;

  constructor(
    private readonly capacity = 20,
    ignored: readonly string[] = [],
  ) {
    this.ignored = new Set(ignored);
  }

  add(channel: string, at: number): void {
    if (this.ignored.has(channel)) return;
    this.marks.push({ at, channel });
    if (this.marks.length > this.capacity) this.marks.shift();
  }

  /** Oldest first. */
  recent(): IpcCallMark[] {
    return this.marks.map((mark) => ({ ...mark }));
  }
}

/** One call the renderer made: its channel name and when. Never its arguments. */
export interface IpcCallMark {
  at: number;
  channel: string;
}

/**
 * The last few IPC channels the renderer called, for a crash entry's "what the operator was
 * doing". Names only: arguments hold passwords, profile files and labels, and are never kept.
 */
export class RecentIpcCalls {
  private readonly marks: IpcCallMark[] = [];

  constructor(private readonly capacity = 20) {}

  add(channel: string, at: number): void {
    this.marks.push({ at, channel });
    if (this.marks.length > this.capacity) this.marks.shift();
  }

  /** Oldest first. */
  recent(): IpcCallMark[] {
    return this.marks.map((mark) => ({ ...mark }));
  }
}

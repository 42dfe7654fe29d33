/** What a screen does with a scanned code: find a device, fill a field, search. */
export type ScanHandler = (code: string) => void;

/**
 * The screens' answers to a scan. The newest registration answers (the screen just opened, or a
 * part of it that asked for scans itself); when it goes away, the one before it answers again.
 * With none registered a scan is simply dropped. Pure, so it is tested without a DOM.
 */
export class ScanHandlers {
  private readonly entries: { handler: ScanHandler }[] = [];

  /** Returns the function that takes this registration back. */
  register(handler: ScanHandler): () => void {
    const entry = { handler };
    this.entries.push(entry);
    return () => {
      const index = this.entries.indexOf(entry);
      if (index >= 0) this.entries.splice(index, 1);
    };
  }

  /** Hands the code to the newest handler; false when no screen takes scans right now. */
  dispatch(code: string): boolean {
    const newest = this.entries.at(-1);
    if (!newest) return false;
    newest.handler(code);
    return true;
  }
}

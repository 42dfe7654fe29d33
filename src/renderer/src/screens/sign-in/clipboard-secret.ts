/** The part of navigator.clipboard used here; a fake stands in for it in tests. */
export interface TextClipboard {
  writeText(text: string): Promise<void>;
}

/**
 * The authenticator key, put on the clipboard only when the operator presses Copy key, and wiped
 * from it (overwritten with nothing) once set-up is over, succeeded or left, so the secret does not
 * wait on the clipboard for the next paste. Only a key we wrote is wiped: a clipboard we never
 * touched is left alone. A copy still under way when set-up ends is wiped as soon as it lands.
 */
export class ClipboardSecret {
  private written = false;
  private over = false;

  constructor(private readonly clipboard: TextClipboard | undefined) {}

  get canCopy(): boolean {
    return typeof this.clipboard?.writeText === 'function';
  }

  /** Set-up is shown (again): copies are taken. */
  begin(): void {
    this.over = false;
  }

  /** True when the key is on the clipboard. */
  async copy(secret: string): Promise<boolean> {
    if (!this.clipboard || !this.canCopy || this.over) return false;
    try {
      await this.clipboard.writeText(secret);
    } catch {
      return false;
    }
    this.written = true;
    if (this.over) {
      await this.clear();
      return false;
    }
    return true;
  }

  /** Set-up is over: the key we wrote, if any, is overwritten. Never throws. */
  async clear(): Promise<void> {
    this.over = true;
    if (!this.written || !this.clipboard) return;
    this.written = false;
    try {
      await this.clipboard.writeText('');
    } catch {
      // The window lost the clipboard (not focused, or permission gone): nothing more we can do.
    }
  }
}

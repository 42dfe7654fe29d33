/**
 * Turns the non-frame bytes a device prints (boot banners, printf logs, reset garbage) into readable
 * lines for the operator: split on newlines, control and non-ASCII bytes shown as \xNN, long lines cut.
 */
export class DeviceLogAssembler {
  private pending = '';

  constructor(private readonly maxLineLength = 256) {}

  push(bytes: Uint8Array): string[] {
    const lines: string[] = [];
    for (const byte of bytes) {
      if (byte === 0x0a) {
        lines.push(this.pending);
        this.pending = '';
        continue;
      }
      if (byte === 0x0d) continue;
      this.pending +=
        byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
      if (this.pending.length >= this.maxLineLength) {
        lines.push(`${this.pending}…`);
        this.pending = '';
      }
    }
    return lines;
  }

  /** Whatever is left without a newline (called when a frame or the end of the stream follows). */
  flush(): string[] {
    if (!this.pending) return [];
    const line = this.pending;
    this.pending = '';
    return [line];
  }
}

import { appendFileSync, chmodSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface RotatingLogFileOptions {
  /** The log folder; made (0700 on POSIX) when missing, again if it is deleted while the station runs. */
  directory: string;
  /** `station` → station.log, then station.1.log (newest old one) … station.<keepFiles - 1>.log. */
  baseName?: string;
  /** A file is rotated before a line would take it past this size. */
  maxBytes?: number;
  /** How many files are kept, the current one included. */
  keepFiles?: number;
  /** After a write failed, lines are not tried again for this long (a full disk is not hammered). */
  retryAfterMs?: number;
  /** Where the one line saying the file cannot be written goes (the console by default). */
  fallback?: (line: string) => void;
  /** The clock used for the retry delay. */
  now?: () => number;
  /** POSIX file modes are applied unless this is 'win32'. */
  platform?: NodeJS.Platform;
}

export const defaultLogMaxBytes = 1024 * 1024;
export const defaultLogKeepFiles = 5;
const defaultRetryAfterMs = 30_000;

/**
 * The station's log on disk: one line per call, stamped with its ISO time, appended synchronously
 * (open, write, close), so every line logged before a crash is on disk when the process dies — an
 * async stream (rotating-file-stream, a pino transport in its worker thread) may still hold the last
 * lines in memory then. An append is a few microseconds; the station logs events, not bytes, so
 * this costs the event loop nothing measurable.
 *
 * Rotation by size keeps `keepFiles` files of at most `maxBytes` (5 × 1 MiB: several days of a busy
 * bench, small enough to attach to a support mail). Writing never throws into the caller: a failure
 * (disk full, folder removed, no permission) is said once through `fallback`, lines are skipped for
 * `retryAfterMs`, and the file says how many it missed once writing works again.
 *
 * It writes what it is given: it is fed by the core's redacting log, after redaction.
 */
export class RotatingLogFile {
  readonly directory: string;
  /** The current file, `<directory>/<baseName>.log`. */
  readonly path: string;
  private readonly baseName: string;
  private readonly maxBytes: number;
  private readonly keepFiles: number;
  private readonly retryAfterMs: number;
  private readonly fallback: (line: string) => void;
  private readonly now: () => number;
  private readonly posix: boolean;
  /** Bytes in the current file, as far as this writer knows; unknown until the folder is checked. */
  private size: number | undefined;
  /** While writing fails: since when, the last attempt, why, and how many lines were missed. */
  private failure: { since: number; lastAttempt: number; reason: string; missed: number } | undefined;
  private rotationRetryAt = 0;
  private rotationFailing = false;

  constructor(options: RotatingLogFileOptions) {
    this.directory = options.directory;
    this.baseName = options.baseName ?? 'station';
    this.path = join(this.directory, `${this.baseName}.log`);
    this.maxBytes = Math.max(1024, options.maxBytes ?? defaultLogMaxBytes);
    this.keepFiles = Math.max(1, Math.floor(options.keepFiles ?? defaultLogKeepFiles));
    this.retryAfterMs = Math.max(0, options.retryAfterMs ?? defaultRetryAfterMs);
    this.fallback = options.fallback ?? ((line: string) => console.warn(line));
    this.now = options.now ?? Date.now;
    this.posix = (options.platform ?? process.platform) !== 'win32';
  }

  /** The path of file `index`: 0 is the current one, 1 the newest rotated one. */
  fileAt(index: number): string {
    return index === 0 ? this.path : join(this.directory, `${this.baseName}.${index}.log`);
  }

  /** Appends `line` stamped with `at` (ms since the epoch). Never throws. */
  write(line: string, at: number = this.now()): void {
    try {
      const now = this.now();
      const failure = this.failure;
      if (failure && now - failure.lastAttempt < this.retryAfterMs) {
        failure.missed++;
        return;
      }
      let text = `${stamp(at)} ${line}\n`;
      if (failure) {
        text =
          `${stamp(now)} log: ${failure.missed} line(s) could not be written to this file from ${stamp(failure.since)} (${failure.reason}); they went to the console only.\n` +
          text;
      }
      try {
        this.append(text);
        this.failure = undefined;
      } catch (error) {
        if (failure) {
          failure.lastAttempt = now;
          failure.missed++;
          return;
        }
        const reason = describe(error);
        this.failure = { since: now, lastAttempt: now, reason, missed: 1 };
        this.say(
          `log: cannot write the log file ${this.path} (${reason}); lines reach the console only, trying again every ${Math.round(this.retryAfterMs / 1000)} s.`,
        );
      }
    } catch {
      // The clock or the fallback itself failed: the line is lost, the caller carries on.
    }
  }

  /** Makes the folder (and fixes its mode) so it can be opened in a file manager; false if it cannot. */
  ensureDirectory(): boolean {
    try {
      this.prepareDirectory();
      return true;
    } catch {
      return false;
    }
  }

  private append(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.size === undefined) this.open();
    if (this.size! > 0 && this.size! + bytes > this.maxBytes) this.rotate();
    try {
      appendFileSync(this.path, text, { mode: 0o600 });
    } catch (error) {
      // The folder went away (cleaned up by hand, a temp folder emptied): make it again, once.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.open();
      appendFileSync(this.path, text, { mode: 0o600 });
    }
    this.size = (this.size ?? 0) + bytes;
  }

  /** Checks the folder and the current file: their modes, and the file's size so far. */
  private open(): void {
    this.prepareDirectory();
    try {
      const file = statSync(this.path);
      if (this.posix && (file.mode & 0o077) !== 0) chmodSync(this.path, 0o600);
      this.size = file.size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.size = 0;
    }
  }

  private prepareDirectory(): void {
    mkdirSync(this.directory, { recursive: true, mode: 0o700 });
    if (this.posix && (statSync(this.directory).mode & 0o077) !== 0) chmodSync(this.directory, 0o700);
  }

  /** station.3.log → station.4.log, …, station.log → station.1.log; the oldest is overwritten. */
  private rotate(): void {
    if (this.now() < this.rotationRetryAt) return;
    try {
      for (let index = this.keepFiles - 1; index >= 1; index--) {
        try {
          renameSync(this.fileAt(index - 1), this.fileAt(index));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
      if (this.keepFiles === 1) {
        // Nothing older is kept: start the one file afresh.
        appendFileSync(this.path, '', { mode: 0o600, flag: 'w' });
      }
      this.size = 0;
      this.rotationFailing = false;
    } catch (error) {
      // A viewer holding the file (Windows): keep appending past the limit, rotate later.
      this.rotationRetryAt = this.now() + this.retryAfterMs;
      if (!this.rotationFailing) {
        this.say(`log: could not rotate ${this.path} (${describe(error)}); trying again later.`);
      }
      this.rotationFailing = true;
    }
  }

  private say(line: string): void {
    try {
      this.fallback(line);
    } catch {
      // Nowhere left to say it.
    }
  }
}

function stamp(at: number): string {
  const date = new Date(at);
  return Number.isFinite(date.getTime()) ? date.toISOString() : new Date(0).toISOString();
}

/** The error's code and message; fs messages name the path and the operation, never file contents. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 300);
  return String(error).slice(0, 300);
}

import * as nodeFs from 'node:fs';
import { join } from 'node:path';

/**
 * The file-system calls the log file makes, all synchronous. Node's own by default; a test passes
 * its own to make one of them fail as Windows does when a viewer or a virus scanner holds a file.
 */
export type LogFileSystem = Pick<
  typeof nodeFs,
  | 'openSync'
  | 'writeSync'
  | 'closeSync'
  | 'fstatSync'
  | 'fchmodSync'
  | 'statSync'
  | 'chmodSync'
  | 'mkdirSync'
  | 'renameSync'
  | 'existsSync'
  | 'unlinkSync'
>;

export interface RotatingLogFileOptions {
  /** The log folder; made (0700 on POSIX) when missing, again if it is deleted while the station runs. */
  directory: string;
  /** `station` → station.log, then station.1.log (newest old one) … station.<keepFiles - 1>.log. */
  baseName?: string;
  /** A file is rotated before a line would take it past this size. */
  maxBytes?: number;
  /** How many files are kept, the current one included. */
  keepFiles?: number;
  /** After a write or a rotation failed, it is not tried again for this long (a full disk is not hammered). */
  retryAfterMs?: number;
  /** Where the one line saying the file cannot be written goes (the console by default). */
  fallback?: (line: string) => void;
  /** The clock used for the retry delay. */
  now?: () => number;
  /** POSIX file modes are applied unless this is 'win32'. */
  platform?: NodeJS.Platform;
  /** Node's fs by default. */
  fileSystem?: LogFileSystem;
}

export const defaultLogMaxBytes = 1024 * 1024;
export const defaultLogKeepFiles = 5;
const defaultRetryAfterMs = 30_000;

/**
 * The station's log on disk: one line per call, stamped with its ISO time, written synchronously to
 * one descriptor kept open (no page cache flush per line: the kernel has the line when write
 * returns, so a crash of the process loses none; an async stream or a pino transport may still hold
 * the last lines in memory then). A line costs one fstat and one write: the fstat notices a file
 * deleted under the station (the folder cleaned up by hand), which POSIX would otherwise let it go on
 * writing to unseen.
 *
 * Rotation by size keeps `keepFiles` files of at most `maxBytes` (5 × 1 MiB: several days of a busy
 * bench, small enough to attach to a support mail). It never loses history when a rename fails
 * (Windows: a viewer or antivirus holds a file): station.log is first moved aside to
 * station.rotating.log — if that fails nothing has changed and lines go on being appended — and only
 * then are the older files shifted, as far as needed to free station.1.log, and the moved file put
 * there. A move that was cut short (a failed rename, a crash) is finished later, or at the next start.
 *
 * Writing never throws into the caller: a failure (disk full, no permission) is said once through
 * `fallback`, lines are skipped for `retryAfterMs`, and the file says how many it missed once writing
 * works again. It writes what it is given: it is fed by the core's redacting log, after redaction.
 */
export class RotatingLogFile {
  readonly directory: string;
  /** The current file, `<directory>/<baseName>.log`. */
  readonly path: string;
  /** Where the current file waits while the older ones are shifted to make room for it. */
  readonly asidePath: string;
  private readonly baseName: string;
  private readonly maxBytes: number;
  private readonly keepFiles: number;
  private readonly retryAfterMs: number;
  private readonly fallback: (line: string) => void;
  private readonly now: () => number;
  private readonly posix: boolean;
  private readonly fs: LogFileSystem;
  /** The open current file, or undefined until the next line opens it. */
  private descriptor: number | undefined;
  /** A leftover of an earlier run (station.rotating.log) is looked for once, at the first open. */
  private recovered = false;
  /** station.rotating.log exists and still has to be put at station.1.log. */
  private placementPending = false;
  /** While writing fails: since when, the last attempt, why, and how many lines were missed. */
  private failure: { since: number; lastAttempt: number; reason: string; missed: number } | undefined;
  private rotationRetryAt = 0;
  private rotationFailing = false;

  constructor(options: RotatingLogFileOptions) {
    this.directory = options.directory;
    this.baseName = options.baseName ?? 'station';
    this.path = join(this.directory, `${this.baseName}.log`);
    this.asidePath = join(this.directory, `${this.baseName}.rotating.log`);
    this.maxBytes = Math.max(1024, options.maxBytes ?? defaultLogMaxBytes);
    this.keepFiles = Math.max(1, Math.floor(options.keepFiles ?? defaultLogKeepFiles));
    this.retryAfterMs = Math.max(0, options.retryAfterMs ?? defaultRetryAfterMs);
    this.fallback = options.fallback ?? ((line: string) => console.warn(line));
    this.now = options.now ?? Date.now;
    this.posix = (options.platform ?? process.platform) !== 'win32';
    this.fs = options.fileSystem ?? nodeFs;
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
        this.closeQuietly();
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

  /** Closes the descriptor (the station stops); a later line opens the file again. */
  close(): void {
    this.closeQuietly();
  }

  private append(text: string): void {
    const bytes = Buffer.from(text);
    let descriptor = this.open();
    let file = this.fs.fstatSync(descriptor);
    if (file.nlink === 0) {
      // Deleted under us (the folder removed by hand): a new file, in a new folder if need be.
      this.closeQuietly();
      descriptor = this.open();
      file = this.fs.fstatSync(descriptor);
    }
    const due = file.size > 0 && file.size + bytes.length > this.maxBytes;
    if ((due || this.placementPending) && this.now() >= this.rotationRetryAt) {
      this.rotate(due);
      descriptor = this.open();
    }
    let written = 0;
    while (written < bytes.length) {
      written += this.fs.writeSync(descriptor, bytes, written, bytes.length - written);
    }
  }

  /** The open descriptor of the current file; opens it (folder, modes, a leftover move) if need be. */
  private open(): number {
    if (this.descriptor !== undefined) return this.descriptor;
    this.prepareDirectory();
    if (!this.recovered) {
      this.recovered = true;
      this.placementPending = this.fs.existsSync(this.asidePath);
    }
    const descriptor = this.fs.openSync(this.path, 'a', 0o600);
    try {
      if (this.posix && (this.fs.fstatSync(descriptor).mode & 0o077) !== 0) {
        this.fs.fchmodSync(descriptor, 0o600);
      }
    } catch (error) {
      this.fs.closeSync(descriptor);
      throw error;
    }
    this.descriptor = descriptor;
    return descriptor;
  }

  private prepareDirectory(): void {
    this.fs.mkdirSync(this.directory, { recursive: true, mode: 0o700 });
    if (this.posix && (this.fs.statSync(this.directory).mode & 0o077) !== 0) {
      this.fs.chmodSync(this.directory, 0o700);
    }
  }

  /**
   * Finishes a move cut short, then (when `due`) moves station.log aside and puts it in place.
   * A failure stops there: what has moved stays where it is, and is finished after `retryAfterMs`.
   */
  private rotate(due: boolean): void {
    try {
      // station.rotating.log must be free before station.log may go there.
      if (this.placementPending) this.placeAside();
      if (due) {
        this.closeQuietly();
        if (this.moveAside()) this.placeAside();
      }
      this.rotationFailing = false;
    } catch (error) {
      this.rotationRetryAt = this.now() + this.retryAfterMs;
      if (!this.rotationFailing) {
        this.say(
          `log: could not rotate ${this.path} (${describe(error)}); appending to it and trying again later.`,
        );
      }
      this.rotationFailing = true;
    }
  }

  /** station.log → station.rotating.log; false when there was no station.log to move (deleted). */
  private moveAside(): boolean {
    try {
      this.fs.renameSync(this.path, this.asidePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    this.placementPending = true;
    return true;
  }

  /**
   * Puts station.rotating.log at station.1.log, shifting only the old files in the way: up to the
   * first free number, the oldest kept one overwritten when none is free. So a shift that stopped
   * half-way (station.1.log moved, station.rotating.log not yet) loses nothing when done again.
   */
  private placeAside(): void {
    if (this.keepFiles === 1) {
      this.fs.unlinkSync(this.asidePath);
    } else {
      let free = 1;
      while (free < this.keepFiles - 1 && this.fs.existsSync(this.fileAt(free))) free++;
      for (let index = free; index >= 2; index--) {
        try {
          this.fs.renameSync(this.fileAt(index - 1), this.fileAt(index));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
      this.fs.renameSync(this.asidePath, this.fileAt(1));
    }
    this.placementPending = false;
  }

  private closeQuietly(): void {
    const descriptor = this.descriptor;
    this.descriptor = undefined;
    if (descriptor === undefined) return;
    try {
      this.fs.closeSync(descriptor);
    } catch {
      // Already unusable: the next line opens a new one.
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

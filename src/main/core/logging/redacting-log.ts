import { bound, boundInput, redactSecrets, toSingleLogLine } from './secret-redaction.js';

export interface RedactingLogOptions {
  /** Longest line written; longer lines are cut with a note. */
  maxLineLength?: number;
}

/** Where a line goes after redaction (console, a file, a test's array). */
export type LogSink = (line: string) => void;

const defaultMaxLineLength = 4000;

/**
 * The one log sink of the core: every line is redacted (secret-shaped text replaced), made one line
 * (line breaks escaped, control characters replaced) and bounded before `sink` sees it. Wrapping a
 * sink that is already redacting is harmless: redaction is idempotent.
 */
export function createRedactingLog(sink: LogSink, options: RedactingLogOptions = {}): LogSink {
  const maxLineLength = options.maxLineLength ?? defaultMaxLineLength;
  return (line: string) => {
    const text = typeof line === 'string' ? line : String(line);
    sink(bound(toSingleLogLine(redactSecrets(boundInput(text, maxLineLength))), maxLineLength));
  };
}

import { controlCharacters as viewTextControls } from '../../../shared/ipc-output-schemas.js';
import { findSecretSpans } from './secret-shapes.js';

/**
 * Replaces every secret-shaped span (PEM blocks whole or cut, DER as base64 or hex, JWTs, AWS access
 * key ids, otpauth:// URIs, long base64/hex runs, byte dumps, values of secret-named fields and URL
 * parameters) with a readable marker such as `[redacted certificate]`. Idempotent: redacted text has
 * nothing left to redact. It knows shapes, not meaning: a password typed into a sentence has none.
 */
export function redactSecrets(text: string): string {
  const spans = findSecretSpans(text);
  if (spans.length === 0) return text;
  let result = '';
  let at = 0;
  for (const span of spans) {
    result +=
      text.slice(at, span.start) +
      (span.label === 'secret value' ? '[redacted]' : `[redacted ${span.label}]`);
    at = span.end;
  }
  return result + text.slice(at);
}

/** The characters viewText refuses (controls, line separators, bidi overrides), all of them. */
const controlCharacters = new RegExp(viewTextControls.source, 'g');

/**
 * Text from elsewhere (an error message, a device's log line, an AWS error) made fit for an operator's
 * screen: redacted, on one line, at most `maxLength` characters. The result passes `viewText(maxLength)`
 * of src/shared/ipc-output-schemas.ts and the IPC secret guard.
 */
export function redactForDisplay(text: string, maxLength: number): string {
  const oneLine = redactSecrets(boundInput(text, maxLength))
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(controlCharacters, ' ');
  return bound(oneLine, maxLength);
}

/** Cuts `text` to `maxLength` characters, saying how much was cut. */
export function bound(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const note = ` … [${text.length - maxLength} more characters cut]`;
  if (note.length >= maxLength) return text.slice(0, maxLength);
  return text.slice(0, maxLength - note.length) + note;
}

/**
 * Redaction reads the whole text, so very long input is cut first (with room to spare: a secret cut
 * in half is still recognised, by its BEGIN line or as a long run).
 */
export function boundInput(text: string, maxLength: number): string {
  const limit = Math.max(64 * 1024, maxLength * 4);
  return text.length > limit ? text.slice(0, limit) : text;
}

/** Escapes line breaks and replaces other control characters, so one call writes one log line. */
export function toSingleLogLine(text: string): string {
  return text
    .replace(/\r\n|\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, ' ')
    .replace(controlCharacters, '?');
}

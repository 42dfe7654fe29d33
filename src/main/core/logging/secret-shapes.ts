import { opaqueRunLimit } from '../../../shared/ipc-output-schemas.js';

/**
 * What key, certificate and token material looks like in text, in one place: the log redactor
 * replaces these spans and the IPC secret guard refuses any string that has one, so whatever the
 * redactor has cleaned always passes the guard.
 */

export type SecretLabel =
  | 'private key'
  | 'certificate'
  | 'certificate request'
  | 'public key'
  | 'PEM block'
  | 'DER data'
  | 'token'
  | 'otpauth URI'
  | 'AWS access key id'
  | 'base64 data'
  | 'hex data'
  | 'bytes'
  | 'secret value';

export interface SecretSpan {
  start: number;
  end: number;
  label: SecretLabel;
}

/** Which label wins when spans overlap: the most specific description. */
const labelRank: Record<SecretLabel, number> = {
  'private key': 0,
  certificate: 0,
  'certificate request': 0,
  'public key': 0,
  'PEM block': 0,
  'DER data': 1,
  token: 2,
  'otpauth URI': 2,
  'AWS access key id': 3,
  'base64 data': 4,
  'hex data': 4,
  bytes: 4,
  'secret value': 5,
};

/** Parts of a field name (lower case, separators removed) that say its value is secret. */
const secretNameParts = [
  'privatekey',
  'privkey',
  'secret',
  'token',
  'password',
  'passwd',
  'passphrase',
  'credential',
  'keypair',
  'keymaterial',
  'pem',
  'apikey',
  'accesskey',
  'sessionkey',
  'signingkey',
  'devicekey',
  'claimkey',
  'authorization',
  'cookie',
  'bearer',
];

/**
 * Names that contain one of the parts above but hold no secret. Fields with a boolean, number or
 * null value never count as secret (`tokenExpiresAt`, `passwordRequired`), so only names whose
 * value is text or an object need to be listed here.
 */
export const harmlessSecretNames: ReadonlySet<string> = new Set([
  'passwordpolicy',
  'passwordrequirements',
  'tokenstorage',
  'secretstorage',
  'credentialstorage',
  'credentialsource',
]);

/** `private_key`, `claimPrivateKey`, `Secret-Access-Key` → compared without case or separators. */
export function isSecretName(name: string): boolean {
  const normalised = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (harmlessSecretNames.has(normalised)) return false;
  return secretNameParts.some((part) => normalised.includes(part));
}

/**
 * Cheap tests that rule most text out before the full scan (view models are mostly short ids,
 * names and sentences): whether any shape could start here, and whether the text is one bare run.
 */
const mightHoldSecret =
  /---|[A-Za-z0-9+/_-]{40}|[0-9a-f]{2}[: ][0-9a-f]{2}[: ][0-9a-f]{2}|\[\s*\d|<Buffer|eyJ|AKIA|ASIA|bearer|[=:]/i;
const bareRun = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Every secret-shaped span of the text, sorted and merged (overlapping spans become one). */
export function findSecretSpans(text: string): SecretSpan[] {
  if (!mightHoldSecret.test(text)) return [];
  const spans: SecretSpan[] = [];
  if (bareRun.test(text)) {
    // A fingerprint, an id, or one long encoded value: only the run and access-key rules can apply.
    findRuns(text, spans);
    findTokens(text, spans);
    return merge(spans);
  }
  findPemBlocks(text, spans);
  findBase64LineBlocks(text, spans);
  findRuns(text, spans);
  findSeparatedHex(text, spans);
  findByteLists(text, spans);
  findTokens(text, spans);
  findOtpauthUris(text, spans);
  findSecretPairs(text, spans);
  return merge(spans);
}

// ---- PEM, whole or cut ------------------------------------------------------------------------

// Bounded dash runs: `-{3,}` would retry a long row of dashes from every position (quadratic).
const pemMarker = /-{3,5}(BEGIN|END) ([A-Z0-9 ]{1,64}?)-{3,5}/g;
const bodyCharacter = /[A-Za-z0-9+/=]/;

function pemLabel(type: string): SecretLabel {
  if (type.includes('PRIVATE KEY')) return 'private key';
  if (type.includes('CERTIFICATE REQUEST')) return 'certificate request';
  if (type.includes('CERTIFICATE')) return 'certificate';
  if (type.includes('PUBLIC KEY')) return 'public key';
  return 'PEM block';
}

/**
 * BEGIN…END is one span; a BEGIN whose END was cut off takes the base64 lines after it; an END
 * whose BEGIN line was cut off takes the base64 lines before it.
 */
function findPemBlocks(text: string, spans: SecretSpan[]): void {
  const markers = [...text.matchAll(pemMarker)];
  for (let index = 0; index < markers.length; index++) {
    const marker = markers[index]!;
    const start = marker.index;
    const end = start + marker[0].length;
    const label = pemLabel(marker[2] ?? '');
    if (marker[1] === 'BEGIN') {
      const closing = markers[index + 1];
      if (closing && closing[1] === 'END') {
        spans.push({ start, end: closing.index + closing[0].length, label });
        index++;
      } else {
        spans.push({ start, end: bodyEndAfter(text, end), label });
      }
    } else {
      spans.push({ start: bodyStartBefore(text, start), end, label });
    }
  }
}

/**
 * Whether a word next to a PEM body is more of it: long words are; short ones only on their own line
 * and a whole number of base64 quads long (a PEM's last line), so "then retry" after a cut body stays.
 */
function continuesBody(length: number, ownLine: boolean): boolean {
  return length >= 16 || (ownLine && length % 4 === 0);
}

/** Base64 lines continue across real or escaped ("\n") line breaks, or spaces before long words. */
function bodyEndAfter(text: string, from: number): number {
  let end = from;
  let position = from;
  while (position < text.length) {
    let cursor = position;
    let lineBreak = false;
    while (cursor < text.length) {
      const character = text[cursor];
      if (character === '\n' || character === '\r') {
        lineBreak = true;
        cursor++;
      } else if (character === '\\' && (text[cursor + 1] === 'n' || text[cursor + 1] === 'r')) {
        lineBreak = true;
        cursor += 2;
      } else if (character === ' ' || character === '\t') {
        cursor++;
      } else break;
    }
    let tokenEnd = cursor;
    while (tokenEnd < text.length && bodyCharacter.test(text[tokenEnd]!)) tokenEnd++;
    const length = tokenEnd - cursor;
    if (length === 0 || !continuesBody(length, lineBreak || cursor === position)) break;
    end = tokenEnd;
    position = tokenEnd;
  }
  return end;
}

function bodyStartBefore(text: string, from: number): number {
  let start = from;
  let position = from;
  while (position > 0) {
    let cursor = position;
    let lineBreak = false;
    while (cursor > 0) {
      const character = text[cursor - 1];
      if (character === '\n' || character === '\r') {
        lineBreak = true;
        cursor--;
      } else if ((character === 'n' || character === 'r') && text[cursor - 2] === '\\') {
        lineBreak = true;
        cursor -= 2;
      } else if (character === ' ' || character === '\t') {
        cursor--;
      } else break;
    }
    let tokenStart = cursor;
    while (tokenStart > 0 && bodyCharacter.test(text[tokenStart - 1]!)) tokenStart--;
    const length = cursor - tokenStart;
    if (length === 0 || !continuesBody(length, lineBreak || cursor === position)) break;
    start = tokenStart;
    position = tokenStart;
  }
  return start;
}

// ---- base64 and hex without a header ----------------------------------------------------------

/** Two or more full 64- (PEM) or 76-character (MIME) base64 lines: a PEM body with both ends cut. */
const base64LineBlock =
  /(?:(?:[A-Za-z0-9+/]{76}|[A-Za-z0-9+/]{64})(?:\r?\n|\\r\\n|\\n)){2,}[A-Za-z0-9+/]*={0,2}/g;

function findBase64LineBlocks(text: string, spans: SecretSpan[]): void {
  for (const match of text.matchAll(base64LineBlock)) {
    // Lines of hex digits are fingerprints listed one per line, not base64.
    if (!/[G-Zg-z+/]/.test(match[0])) continue;
    let start = match.index;
    while (start > 0 && bodyCharacter.test(text[start - 1]!)) start--;
    spans.push({ start, end: match.index + match[0].length, label: 'base64 data' });
  }
}

/** Unbroken runs of base64, base64url or hex characters, long enough to hold DER. */
const run = /[A-Za-z0-9+/_-]{40,}={0,2}/g;
const hexOnly = /^[0-9a-fA-F]+$/;

function findRuns(text: string, spans: SecretSpan[]): void {
  for (const match of text.matchAll(run)) {
    const value = match[0];
    const start = match.index;
    const end = start + value.length;
    const digits = value.startsWith('0x') ? value.slice(2) : value;
    const isHex = hexOnly.test(digits);
    // DER opens with 0x30: "30" in hex, "M" in base64. Anything else is not decoded at all.
    const der = isHex
      ? digits.startsWith('30') && digits.length % 2 === 0 && looksLikeDer(hexBytes(digits), 0)
      : value.startsWith('M') && looksLikeDer(base64Bytes(value), 2);
    if (der) {
      // A DER start may continue on the following lines of a body wrapped at another width.
      spans.push({ start, end: bodyEndAfter(text, end), label: 'DER data' });
    } else if (value.length > opaqueRunLimit) {
      spans.push({ start, end, label: isHex ? 'hex data' : 'base64 data' });
    }
  }
}

/** `30:82:04:a4:…` or `30 82 04 a4 …` (openssl and Buffer inspection print bytes this way). */
const separatedHex = /\b[0-9a-fA-F]{2}(?:[: ][0-9a-fA-F]{2}){23,}\b/g;

function findSeparatedHex(text: string, spans: SecretSpan[]): void {
  for (const match of text.matchAll(separatedHex)) {
    const bytes = hexBytes(match[0].replace(/[: ]/g, ''));
    const label: SecretLabel | undefined =
      bytes[0] === 0x30 && looksLikeDer(bytes, 0) ? 'DER data' : bytes.length > 64 ? 'hex data' : undefined;
    if (label) spans.push({ start: match.index, end: match.index + match[0].length, label });
  }
}

/** `<Buffer 30 82 …>` from util.inspect, and byte arrays printed as numbers (`[48, 130, …]`). */
const inspectedBuffer = /<Buffer(?: [0-9a-f]{2})*(?: \.\.\. \d+ more bytes?)?>/g;
const byteList = /\[\s*(?:\d{1,3}\s*,\s*){23,}\d{1,3}\s*,?\s*\]/g;

function findByteLists(text: string, spans: SecretSpan[]): void {
  for (const match of text.matchAll(inspectedBuffer)) {
    spans.push({ start: match.index, end: match.index + match[0].length, label: 'bytes' });
  }
  for (const match of text.matchAll(byteList)) {
    const numbers = match[0].match(/\d+/g) ?? [];
    if (numbers.every((value) => Number(value) <= 255)) {
      spans.push({ start: match.index, end: match.index + match[0].length, label: 'bytes' });
    }
  }
}

// ---- tokens and secret-named values -----------------------------------------------------------

const jsonWebToken = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)+/g;
const accessKeyId = /\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g;
const bearer = /\bBearer\s+([A-Za-z0-9._~+/=-]{8,})/gi;

function findTokens(text: string, spans: SecretSpan[]): void {
  for (const match of text.matchAll(jsonWebToken)) {
    spans.push({ start: match.index, end: match.index + match[0].length, label: 'token' });
  }
  for (const match of text.matchAll(accessKeyId)) {
    spans.push({ start: match.index, end: match.index + match[0].length, label: 'AWS access key id' });
  }
  for (const match of text.matchAll(bearer)) {
    const token = match[1] ?? '';
    const start = match.index + match[0].length - token.length;
    spans.push({ start, end: start + token.length, label: 'token' });
  }
}

/**
 * An authenticator app's set-up URI (`otpauth://totp/Station:installer?secret=…&issuer=…`, and the
 * `otpauth-migration://` export): its secret is the operator's second factor. The whole URI is
 * replaced, wherever the secret parameter sits in it.
 */
const otpauthUri = /\botpauth(?:-migration)?:\/\/[^\s"'<>\\]+/gi;

function findOtpauthUris(text: string, spans: SecretSpan[]): void {
  for (const match of text.matchAll(otpauthUri)) {
    spans.push({ start: match.index, end: match.index + match[0].length, label: 'otpauth URI' });
  }
}

/** `"privateKey": "…"`, `\"client_secret\":\"…\"` (JSON inside a string) and `password=…`, `token: …`. */
const jsonPair = /"([A-Za-z0-9_. -]{1,64})"\s*:\s*("(?:[^"\\]|\\.)*"|[^\s,}\]]+)/g;
const escapedJsonPair = /\\"([A-Za-z0-9_. -]{1,64})\\"\s*:\s*(\\"(?:(?!\\")[^])*\\"|[^\s,}\]\\]+)/g;
const plainPair =
  /\b([A-Za-z][A-Za-z0-9_.-]{0,63})(\s*[=:]\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s,;&)}\]'"]+)/g;
/**
 * `?token=…&…` in a URL: plainPair reads `https://host/path?token=…` as one pair named `https` and
 * never sees the parameters inside it, so query parameters are read on their own.
 */
const queryParameter = /[?&]([A-Za-z][A-Za-z0-9_.-]{0,63})=([^\s&#"'<>\\]+)/g;
/** Values that say nothing: a redaction already made, a flag, an empty value. */
const emptyValue = /^(?:\[redacted[^\]]*\]?|true|false|null|undefined|none)?$/i;
/** "TokenExpiredException: …" and "InvalidCertificateOwnershipToken: …" name an error, not a secret. */
const errorName = /(?:exception|error|fault)$|^(?:invalid|expired|unrecognized)/i;
/** A field name as code writes it (clientSecret, private_key, x-amz-security-token), not a word in prose. */
const codeLikeName = /[_.-]|[a-z][A-Z]/;

function findSecretPairs(text: string, spans: SecretSpan[]): void {
  const add = (name: string, value: string, valueEnd: number, quote: string) => {
    if (!isSecretName(name) || errorName.test(name)) return;
    const inner = value.startsWith(quote) && quote !== '' ? value.slice(quote.length, -quote.length) : value;
    if (emptyValue.test(inner)) return;
    const innerStart = valueEnd - value.length + (inner === value ? 0 : quote.length);
    spans.push({ start: innerStart, end: innerStart + inner.length, label: 'secret value' });
  };
  for (const match of text.matchAll(jsonPair)) {
    add(match[1] ?? '', match[2] ?? '', match.index + match[0].length, '"');
  }
  for (const match of text.matchAll(escapedJsonPair)) {
    add(match[1] ?? '', match[2] ?? '', match.index + match[0].length, '\\"');
  }
  for (const match of text.matchAll(queryParameter)) {
    add(match[1] ?? '', match[2] ?? '', match.index + match[0].length, '');
  }
  for (const match of text.matchAll(plainPair)) {
    const name = match[1] ?? '';
    const value = match[3] ?? '';
    const quote = value.startsWith("'") ? "'" : value.startsWith('"') ? '"' : '';
    // "password=…" always; "Token: expired" in a sentence only when quoted or named like code.
    if ((match[2] ?? '').includes(':') && quote === '' && !codeLikeName.test(name)) continue;
    add(name, value, match.index + match[0].length, quote);
  }
}

// ---- DER structure ----------------------------------------------------------------------------

/** Tags that open the top-level elements of keys, certificates and CSRs. */
const topLevelTags = new Set([0x02, 0x03, 0x04, 0x05, 0x06, 0x30, 0x31, 0xa0, 0xa1, 0xa2, 0xa3]);
/** Deeper down: any universal primitive (BOOLEAN, strings, times…), context tags, SEQUENCE and SET. */
function nestedTag(tag: number): boolean {
  return (
    (tag >= 0x01 && tag <= 0x1e) ||
    (tag >= 0x80 && tag <= 0x8f) ||
    (tag >= 0xa0 && tag <= 0xaf) ||
    tag === 0x30 ||
    tag === 0x31
  );
}

function readLength(bytes: Uint8Array, at: number): { length: number; next: number } | undefined {
  const first = bytes[at];
  if (first === undefined) return undefined;
  if (first < 0x80) return { length: first, next: at + 1 };
  const octets = first & 0x7f;
  if (octets === 0 || octets > 3 || at + octets >= bytes.length) return undefined;
  let length = 0;
  for (let k = 1; k <= octets; k++) length = length * 256 + bytes[at + k]!;
  // DER uses the shortest form: a long form must be needed.
  if (length < 0x80 || bytes[at + 1] === 0) return undefined;
  return { length, next: at + 1 + octets };
}

function constructed(tag: number): boolean {
  return tag === 0x30 || tag === 0x31 || (tag >= 0xa0 && tag <= 0xaf);
}

/**
 * Counts the well-formed elements (tag, length, nested inside their parent) between `from` and
 * `to`, descending into constructed ones, up to where the bytes end. -1 when one is malformed.
 */
function countElements(bytes: Uint8Array, from: number, to: number, depth: number): number {
  let at = from;
  let count = 0;
  const stop = Math.min(to, bytes.length);
  while (at < stop) {
    const tag = bytes[at]!;
    if (depth === 0 ? !topLevelTags.has(tag) : !nestedTag(tag)) return -1;
    if (at + 1 >= bytes.length) return count; // the data ends inside this header
    const element = readLength(bytes, at + 1);
    if (!element) return element === undefined && at + 5 > bytes.length ? count : -1;
    const end = element.next + element.length;
    if (end > to) return -1;
    count++;
    if (constructed(tag) && depth < 8) {
      const inner = countElements(bytes, element.next, end, depth + 1);
      if (inner < 0) return -1;
      count += inner;
    }
    at = end;
  }
  return at === to || at >= bytes.length ? count : -1;
}

/**
 * True when the bytes open a DER SEQUENCE (a certificate, a PKCS#1/PKCS#8/SEC1 key, a CSR, a
 * public key): either complete, its elements filling it exactly, or cut short but at least 48 bytes
 * long with at least four well-nested elements. Random bytes (a fingerprint, an id) almost never
 * pass. `slack` allows for base64 decoding's loose end.
 */
export function looksLikeDer(bytes: Uint8Array, slack: number): boolean {
  if (bytes.length < 24 || bytes[0] !== 0x30) return false;
  const outer = readLength(bytes, 1);
  if (!outer) return false;
  const contentEnd = outer.next + outer.length;
  if (contentEnd > bytes.length) {
    return bytes.length >= 48 && countElements(bytes, outer.next, contentEnd, 0) >= 4;
  }
  if (contentEnd < bytes.length - slack) return false;
  return countElements(bytes, outer.next, contentEnd, 0) >= 3;
}

function hexBytes(hex: string): Uint8Array {
  return Buffer.from(hex, 'hex');
}

function base64Bytes(text: string): Uint8Array {
  // Node's decoder takes both alphabets (base64 and base64url) and ignores a loose end.
  return Buffer.from(text, 'base64');
}

// ---- merging ----------------------------------------------------------------------------------

function merge(spans: SecretSpan[]): SecretSpan[] {
  const sorted = spans
    .filter((span) => span.end > span.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: SecretSpan[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start < last.end) {
      last.end = Math.max(last.end, span.end);
      if (labelRank[span.label] < labelRank[last.label]) last.label = span.label;
    } else {
      merged.push({ ...span });
    }
  }
  return merged;
}

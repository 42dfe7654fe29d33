import { findSecretSpans, isSecretName, type SecretLabel } from '../logging/secret-shapes.js';

/**
 * Second line of defence, after the strict output schemas: nothing that looks like key, certificate
 * or token material may leave the main process towards the renderer. It judges values by shape
 * (src/main/core/logging/secret-shapes.ts, the same shapes the log redactor removes), by field name,
 * and refuses binary data outright. View models never should trip it; if one ever does, the message
 * is refused and the bug is loud.
 */

export class SecretLeakError extends Error {
  constructor(
    readonly where: string,
    readonly what: string,
  ) {
    super(`Refused to send ${what} to the renderer (at ${where}).`);
    this.name = 'SecretLeakError';
  }
}

export interface SecretGuardOptions {
  /**
   * Paths (`$.totpSetup.secret`) that deliberately carry a secret the operator must see; their
   * content is not judged. See `deliberateSecretPaths` in src/shared/ipc-output-schemas.ts.
   */
  allowedPaths?: readonly string[];
}

const maxDepth = 64;

/**
 * Verdicts on texts and field names seen recently: a view model repeats its field names on every
 * row and many of its values (states, ids of the batch), and a large list is checked in one go.
 */
const textVerdicts = new Map<string, SecretLabel | null>();
const nameVerdicts = new Map<string, boolean>();
const maxRemembered = 8192;

function textVerdict(text: string): SecretLabel | null {
  let verdict = textVerdicts.get(text);
  if (verdict === undefined) {
    verdict = findSecretSpans(text)[0]?.label ?? null;
    if (textVerdicts.size >= maxRemembered) textVerdicts.clear();
    // Long texts are rarely repeated; keep the cache for the short ones.
    if (text.length <= 256) textVerdicts.set(text, verdict);
  }
  return verdict;
}

function secretName(name: string): boolean {
  let verdict = nameVerdicts.get(name);
  if (verdict === undefined) {
    verdict = isSecretName(name);
    if (nameVerdicts.size >= maxRemembered) nameVerdicts.clear();
    nameVerdicts.set(name, verdict);
  }
  return verdict;
}

/** Throws SecretLeakError when the value holds anything secret-shaped, by key name, content or type. */
export function assertNoSecrets(value: unknown, where = '$', options: SecretGuardOptions = {}): void {
  const allowed = new Set(options.allowedPaths ?? []);
  const ancestors = new Set<object>();
  // The path is kept as parts and only spelled out when it is needed (a refusal, an allowed path).
  const parts: (string | number)[] = [];
  const spell = () =>
    where + parts.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('');
  const refuse = (what: string): never => {
    throw new SecretLeakError(spell(), what);
  };

  const visit = (item: unknown, depth: number): void => {
    if (allowed.size > 0 && allowed.has(spell())) return;
    if (typeof item === 'string') {
      const label = textVerdict(item);
      if (label) refuse(`a ${label}`);
      return;
    }
    if (item === null || typeof item !== 'object') return;
    if (isBinary(item)) refuse('binary data');
    if (depth > maxDepth) refuse('a value nested too deep to check');
    if (ancestors.has(item)) return;
    ancestors.add(item);
    if (Array.isArray(item)) {
      for (let index = 0; index < item.length; index++) child(index, item[index], depth);
    } else if (item instanceof Map) {
      for (const [key, element] of item) field(String(key), element, depth);
    } else if (item instanceof Set) {
      let index = 0;
      for (const element of item) child(index++, element, depth);
    } else {
      if (item instanceof Error) child('message', item.message, depth);
      const record = item as Record<string, unknown>;
      for (const key of Object.keys(record)) field(key, record[key], depth);
    }
    ancestors.delete(item);
  };

  const child = (part: string | number, element: unknown, depth: number) => {
    parts.push(part);
    visit(element, depth + 1);
    parts.pop();
  };

  const field = (key: string, element: unknown, depth: number): void => {
    const label = textVerdict(key);
    if (label) refuse(`a ${label} as a field name`);
    parts.push(key);
    if (secretName(key) && carriesContent(element) && !(allowed.size > 0 && allowed.has(spell()))) {
      refuse(`a field named ${key}`);
    }
    visit(element, depth + 1);
    parts.pop();
  };

  visit(value, 0);
}

/** A secret-named field may say *that* something exists or when it expires, never what it is. */
function carriesContent(value: unknown): boolean {
  return !(value === null || value === undefined || typeof value === 'boolean' || typeof value === 'number');
}

/** Buffers, typed arrays, DataView, ArrayBuffer — and a Buffer after JSON.stringify ({type, data}). */
export function isBinary(value: object): boolean {
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return true;
  if (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer) return true;
  const record = value as { type?: unknown; data?: unknown };
  return record.type === 'Buffer' && Array.isArray(record.data);
}

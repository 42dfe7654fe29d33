/**
 * A defensive check for anything written to disk: the engine never puts key, certificate or token
 * material into what it records, and if a bug ever tries, the write is refused loudly instead of the
 * secret landing in a file that outlives the process. The error names where and what kind of thing
 * was found, never the matched text.
 */

interface ShapeRule {
  readonly name: string;
  readonly pattern: RegExp;
}

const contentRules: readonly ShapeRule[] = [
  { name: 'PEM header', pattern: /-----BEGIN/ },
  // Key or certificate DER without its PEM header: a SEQUENCE (0x30) starts "MI"/"MH" in base64,
  // "30" in hex. Identifiers we record (64-hex certificate ids, fingerprints) are far shorter.
  { name: 'base64 DER body', pattern: /M[IH][A-Za-z0-9+/]{60,}/ },
  { name: 'hex DER body', pattern: /(?<![0-9a-fA-F])30[0-9a-fA-F]{200,}/ },
  { name: 'JSON Web Token', pattern: /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/ },
  { name: 'AWS access key id', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/ },
];

/** Key names are compared with case and separators removed: `private_key`, `claimPrivateKey`, `X-Token`. */
const secretKeyWords = ['privatekey', 'secret', 'token', 'password'] as const;

export class SecretShapeError extends Error {
  constructor(
    readonly where: string,
    readonly what: string,
  ) {
    super(`Refused to record ${what} (at ${where}): secrets are never written to disk.`);
    this.name = 'SecretShapeError';
  }
}

/** The kind of secret-shaped content in `text`, or undefined. */
export function secretShapeInText(text: string): string | undefined {
  for (const rule of contentRules) {
    if (rule.pattern.test(text)) return rule.name;
  }
  return undefined;
}

/** True when a key's name says its value is a secret. */
export function isSecretKeyName(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return secretKeyWords.some((word) => normalized.includes(word));
}

/**
 * Throws SecretShapeError when `value` holds anything secret-shaped: a string matching a content
 * rule, or a key named like a secret that carries a string, object or array. Numbers, booleans and
 * null under such a name (`tokenExpiresAt: 0`, `hasPrivateKey: true`) cannot carry key material and
 * are allowed.
 */
export function assertNoSecretShapes(value: unknown, where = '$'): void {
  if (typeof value === 'string') {
    const found = secretShapeInText(value);
    if (found) throw new SecretShapeError(where, `a ${found}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertNoSecretShapes(item, `${where}[${index}]`));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const path = `${where}.${key}`;
      const keyShape = secretShapeInText(key);
      if (keyShape) throw new SecretShapeError(where, `a key holding a ${keyShape}`);
      if (isSecretKeyName(key) && carriesText(item)) {
        throw new SecretShapeError(path, `a value under a secret-named key`);
      }
      assertNoSecretShapes(item, path);
    }
  }
}

/** As assertNoSecretShapes, for JSON text; text that is not JSON is refused too. */
export function assertJsonHasNoSecretShapes(json: string, where: string): void {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new SecretShapeError(where, 'text that is not JSON');
  }
  assertNoSecretShapes(value, where);
}

function carriesText(value: unknown): boolean {
  if (typeof value === 'string') return value.length > 0;
  return value !== null && typeof value === 'object';
}

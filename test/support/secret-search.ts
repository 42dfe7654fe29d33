import { createPrivateKey, createPublicKey } from 'node:crypto';

/**
 * Looks for a run's actual secrets — in every encoding and as fragments — in whatever left the
 * main process: messages to the renderer, log lines, files. A hit names the secret by its label,
 * the encoding and the place, never the secret itself.
 *
 * Every secret becomes windows: each run of `TEXT_WINDOW` characters of each text encoding (hex,
 * HEX, base64 at all three byte alignments — so a PEM body, a DER blob, a fragment cut anywhere —
 * base64url, and for tokens their own text), and each run of `BYTE_WINDOW` raw bytes. A haystack
 * matches when any of its windows is one of them. For private keys, windows that also occur in the
 * public half (modulus, public point, SubjectPublicKeyInfo) are dropped: certificates and public
 * keys may legitimately be anywhere.
 */

export const TEXT_WINDOW = 24;
export const BYTE_WINDOW = 16;

export type Secret =
  | { kind: 'private-key'; label: string; pem: string }
  /** Tokens, passwords, IAM secrets: their text, its bytes' encodings, and what it decodes to. */
  | { kind: 'token'; label: string; text: string };

/** Something to search: text as it is, bytes as latin1 (one character per byte). */
export interface Haystack {
  where: string;
  text: string;
}

export interface SecretHit {
  secret: string;
  encoding: string;
  where: string;
  offset: number;
}

interface Needle {
  secret: string;
  encoding: string;
}

export class SecretSearch {
  private readonly textWindows = new Map<string, Needle>();
  private readonly byteWindows = new Map<string, Needle>();
  /** Secrets shorter than a window (a password) are looked for whole. */
  private readonly whole: { text: string; needle: Needle }[] = [];
  readonly labels: string[] = [];

  constructor(secrets: readonly Secret[]) {
    for (const secret of secrets) this.add(secret);
  }

  /** How many windows are searched for (a check that the secrets were really loaded). */
  get size(): number {
    return this.textWindows.size + this.byteWindows.size + this.whole.length;
  }

  /** One hit per (place, secret, encoding), at its first offset. */
  search(haystacks: Iterable<Haystack>): SecretHit[] {
    const hits = new Map<string, SecretHit>();
    const note = (where: string, needle: Needle, offset: number) => {
      const key = `${where}\u0000${needle.secret}\u0000${needle.encoding}`;
      if (!hits.has(key)) hits.set(key, { ...needle, where, offset });
    };
    for (const { where, text } of haystacks) {
      for (let offset = 0; offset + BYTE_WINDOW <= text.length; offset++) {
        const textNeedle =
          offset + TEXT_WINDOW <= text.length
            ? this.textWindows.get(text.slice(offset, offset + TEXT_WINDOW))
            : undefined;
        if (textNeedle) note(where, textNeedle, offset);
        const byteNeedle = this.byteWindows.get(text.slice(offset, offset + BYTE_WINDOW));
        if (byteNeedle) note(where, byteNeedle, offset);
      }
      for (const { text: secret, needle } of this.whole) {
        const offset = text.indexOf(secret);
        if (offset >= 0) note(where, needle, offset);
      }
    }
    return [...hits.values()];
  }

  private add(secret: Secret): void {
    this.labels.push(secret.label);
    if (secret.kind === 'private-key') this.addKey(secret.label, secret.pem);
    else this.addToken(secret.label, secret.text);
  }

  private addKey(label: string, pem: string): void {
    const key = createPrivateKey(pem);
    const publicKey = createPublicKey(key);
    const type = key.asymmetricKeyType;
    const jwk = key.export({ format: 'jwk' });
    const privateSegments: { name: string; bytes: Buffer }[] = [
      { name: 'DER as given', bytes: pemBody(pem) },
      { name: 'PKCS#8 DER', bytes: key.export({ type: 'pkcs8', format: 'der' }) },
    ];
    if (type === 'rsa')
      privateSegments.push({ name: 'PKCS#1 DER', bytes: key.export({ type: 'pkcs1', format: 'der' }) });
    if (type === 'ec')
      privateSegments.push({ name: 'SEC1 DER', bytes: key.export({ type: 'sec1', format: 'der' }) });
    for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
      const value = jwk[part];
      if (typeof value === 'string')
        privateSegments.push({ name: `${part} component`, bytes: Buffer.from(value, 'base64url') });
    }
    const publicSegments: Buffer[] = [publicKey.export({ type: 'spki', format: 'der' })];
    if (type === 'rsa') publicSegments.push(publicKey.export({ type: 'pkcs1', format: 'der' }));
    for (const part of ['n', 'e', 'x', 'y'] as const) {
      const value = jwk[part];
      if (typeof value === 'string') publicSegments.push(Buffer.from(value, 'base64url'));
    }
    const publicText = new Set<string>();
    const publicBytes = new Set<string>();
    for (const bytes of publicSegments) {
      for (const encoded of textEncodings(bytes))
        for (const window of windows(encoded.text, TEXT_WINDOW)) publicText.add(window);
      for (const window of windows(bytes.toString('latin1'), BYTE_WINDOW)) publicBytes.add(window);
    }
    for (const segment of privateSegments) {
      for (const encoded of textEncodings(segment.bytes)) {
        for (const window of windows(encoded.text, TEXT_WINDOW)) {
          if (!publicText.has(window))
            this.putText(window, { secret: label, encoding: `${encoded.name} of ${segment.name}` });
        }
      }
      for (const window of windows(segment.bytes.toString('latin1'), BYTE_WINDOW)) {
        if (!publicBytes.has(window))
          this.putBytes(window, { secret: label, encoding: `raw bytes of ${segment.name}` });
      }
    }
  }

  private addToken(label: string, text: string): void {
    if (text.length < TEXT_WINDOW) {
      this.whole.push({ text, needle: { secret: label, encoding: 'text' } });
    } else {
      for (const window of windows(text, TEXT_WINDOW))
        this.putText(window, { secret: label, encoding: 'text (or a fragment of it)' });
    }
    const utf8 = Buffer.from(text, 'utf8');
    for (const encoded of textEncodings(utf8)) {
      if (encoded.text.length < TEXT_WINDOW) continue;
      for (const window of windows(encoded.text, TEXT_WINDOW))
        this.putText(window, { secret: label, encoding: `${encoded.name} of its text` });
    }
    // What the token decodes to: a JWT's signature, a base64/base64url token's random bytes.
    const parts = text.split('.');
    const decoded: { name: string; bytes: Buffer }[] = [];
    if (parts.length === 3 && parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))) {
      decoded.push({ name: 'JWT signature', bytes: Buffer.from(parts[2] ?? '', 'base64url') });
    } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) && text.length >= 20) {
      decoded.push({
        name: 'decoded bytes',
        bytes: Buffer.from(text, /[_-]/.test(text) ? 'base64url' : 'base64'),
      });
    }
    for (const segment of decoded) {
      for (const encoded of textEncodings(segment.bytes)) {
        for (const window of windows(encoded.text, TEXT_WINDOW))
          this.putText(window, { secret: label, encoding: `${encoded.name} of its ${segment.name}` });
      }
      for (const window of windows(segment.bytes.toString('latin1'), BYTE_WINDOW)) {
        this.putBytes(window, { secret: label, encoding: `raw bytes of its ${segment.name}` });
      }
    }
  }

  private putText(window: string, needle: Needle): void {
    if (!this.textWindows.has(window)) this.textWindows.set(window, needle);
  }

  private putBytes(window: string, needle: Needle): void {
    if (!this.byteWindows.has(window)) this.byteWindows.set(window, needle);
  }
}

/** hex, HEX, and base64/base64url starting at each of the three byte alignments (unpadded). */
export function textEncodings(bytes: Buffer): { name: string; text: string }[] {
  const encodings = [
    { name: 'hex', text: bytes.toString('hex') },
    { name: 'HEX', text: bytes.toString('hex').toUpperCase() },
  ];
  for (let shift = 0; shift < 3; shift++) {
    const slice = bytes.subarray(shift);
    const base64 = slice.toString('base64').replace(/=+$/, '');
    encodings.push({ name: shift === 0 ? 'base64 (PEM body)' : `base64 (from byte ${shift})`, text: base64 });
    encodings.push({
      name: shift === 0 ? 'base64url' : `base64url (from byte ${shift})`,
      text: slice.toString('base64url'),
    });
  }
  return encodings;
}

function* windows(text: string, size: number): Generator<string> {
  for (let offset = 0; offset + size <= text.length; offset++) yield text.slice(offset, offset + size);
}

function pemBody(pem: string): Buffer {
  return Buffer.from(
    pem
      .split(/\r?\n/)
      .filter((line) => !line.startsWith('-----'))
      .join(''),
    'base64',
  );
}

/**
 * Flattens a message payload into haystacks: every string (and every key) on its own, named by its
 * path, and binary values (Buffers, typed arrays) as their raw bytes — the output guard must refuse
 * those, but if one got through the search sees its bytes.
 */
export function payloadHaystacks(where: string, value: unknown): Haystack[] {
  const found: Haystack[] = [];
  const seen = new Set<unknown>();
  const visit = (node: unknown, path: string) => {
    if (typeof node === 'string') {
      found.push({ where: `${where} at ${path}`, text: node });
      return;
    }
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (ArrayBuffer.isView(node)) {
      found.push({
        where: `${where} at ${path} (binary)`,
        text: Buffer.from(node.buffer, node.byteOffset, node.byteLength).toString('latin1'),
      });
      return;
    }
    if (node instanceof ArrayBuffer) {
      found.push({ where: `${where} at ${path} (binary)`, text: Buffer.from(node).toString('latin1') });
      return;
    }
    if (node instanceof Map) {
      for (const [key, item] of node) {
        visit(key, `${path}<key>`);
        visit(item, `${path}<${String(key).slice(0, 32)}>`);
      }
      return;
    }
    if (node instanceof Set || Array.isArray(node)) {
      [...(node as Iterable<unknown>)].forEach((item, index) => visit(item, `${path}[${index}]`));
      return;
    }
    if (node instanceof Error) {
      visit(node.message, `${path}.message`);
      visit(node.stack, `${path}.stack`);
    }
    for (const [key, item] of Object.entries(node)) {
      found.push({ where: `${where} at ${path} (key)`, text: key });
      visit(item, `${path}.${key.slice(0, 64)}`);
    }
  };
  visit(value, '$');
  return found;
}

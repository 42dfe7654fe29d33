/**
 * What may cross to the renderer is plain data: objects with Object.prototype (or none), arrays,
 * strings, numbers, booleans, null. Anything else — binary (Buffer, typed arrays, ArrayBuffer,
 * DataView), Map/Set, Error objects, other class instances, functions, symbols, bigint, cycles — is
 * refused here, before the schema sees it, so the refusal can name what it was.
 */

export class UnsafeValueError extends Error {
  constructor(
    readonly where: string,
    readonly what: string,
  ) {
    super(`Refused to send ${what} to the renderer (at ${where}).`);
    this.name = 'UnsafeValueError';
  }
}

const maxDepth = 32;

export function assertPlainData(value: unknown, where = '$'): void {
  const ancestors = new Set<object>();
  // The path is kept as parts and only spelled out for a refusal.
  const parts: (string | number)[] = [];
  const refuse = (what: string): never => {
    const path = where + parts.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('');
    throw new UnsafeValueError(path, what);
  };

  const visit = (item: unknown, depth: number): void => {
    switch (typeof item) {
      case 'string':
      case 'number':
      case 'boolean':
      case 'undefined':
        return;
      case 'function':
        return refuse('a function');
      case 'symbol':
        return refuse('a symbol');
      case 'bigint':
        return refuse('a bigint');
    }
    if (item === null) return;
    const object = item as object;
    const kind = describeNonPlain(object);
    if (kind) refuse(kind);
    if (depth > maxDepth) refuse(`a value nested deeper than ${maxDepth} levels`);
    if (ancestors.has(object)) refuse('a circular reference');
    if (Object.getOwnPropertySymbols(object).length > 0) refuse('a symbol-keyed field');
    ancestors.add(object);
    if (Array.isArray(object)) {
      for (let index = 0; index < object.length; index++) {
        parts.push(index);
        visit(object[index], depth + 1);
        parts.pop();
      }
    } else {
      // Getters need no check of their own: what is sent is the schema's copy, read once.
      const record = object as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        parts.push(key);
        visit(record[key], depth + 1);
        parts.pop();
      }
    }
    ancestors.delete(object);
  };

  visit(value, 0);
}

/** Names what a non-plain object is, or undefined for a plain object or array. */
function describeNonPlain(object: object): string | undefined {
  const prototype: unknown = Object.getPrototypeOf(object);
  if (prototype === Object.prototype || prototype === null) return undefined;
  if (prototype === Array.prototype) return undefined;
  if (typeof Buffer !== 'undefined' && Buffer.isBuffer(object)) return 'a Buffer';
  if (object instanceof DataView) return 'a DataView';
  if (ArrayBuffer.isView(object)) return `a ${object.constructor.name}`;
  if (object instanceof ArrayBuffer) return 'an ArrayBuffer';
  if (typeof SharedArrayBuffer !== 'undefined' && object instanceof SharedArrayBuffer)
    return 'a SharedArrayBuffer';
  if (object instanceof Map || object instanceof WeakMap) return 'a Map';
  if (object instanceof Set || object instanceof WeakSet) return 'a Set';
  if (object instanceof Error) return 'an Error object';
  if (Array.isArray(object)) return 'an array subclass';
  const name = (object as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name ? `an instance of ${name.slice(0, 64)}` : 'a class instance';
}

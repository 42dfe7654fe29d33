import { describe, expect, it } from 'vitest';
import { assertPlainData, UnsafeValueError } from '../../../src/main/core/ipc/plain-data-guard.js';

class DeviceRecord {
  serial = 'SN-1';
}

describe('assertPlainData', () => {
  it('lets plain objects, arrays and primitives through', () => {
    expect(() =>
      assertPlainData({
        a: [1, 'two', true, null, undefined, { b: Object.create(null) as object }],
        n: Number.NaN,
      }),
    ).not.toThrow();
  });

  const cyclic: Record<string, unknown> = {};
  cyclic.again = cyclic;

  it.each([
    ['a Buffer', Buffer.from('key'), 'a Buffer'],
    ['a Uint8Array', new Uint8Array(4), 'a Uint8Array'],
    ['a Float64Array', new Float64Array(1), 'a Float64Array'],
    ['a DataView', new DataView(new ArrayBuffer(4)), 'a DataView'],
    ['an ArrayBuffer', new ArrayBuffer(4), 'an ArrayBuffer'],
    ['a Map', new Map([['k', 'v']]), 'a Map'],
    ['a Set', new Set(['v']), 'a Set'],
    ['an Error', new Error('boom'), 'an Error object'],
    ['a class instance', new DeviceRecord(), 'an instance of DeviceRecord'],
    ['a Date', new Date(0), 'an instance of Date'],
    ['a Promise', Promise.resolve(1), 'an instance of Promise'],
    ['a function', () => 1, 'a function'],
    ['a symbol', Symbol('s'), 'a symbol'],
    ['a bigint', 10n, 'a bigint'],
    ['a cycle', cyclic, 'a circular reference'],
    ['a symbol-keyed field', { [Symbol('k')]: 1 }, 'a symbol-keyed field'],
  ])('refuses %s, naming it and where it was', (_name, value, what) => {
    try {
      assertPlainData({ outer: [{ inner: value }] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UnsafeValueError);
      expect((error as UnsafeValueError).what).toBe(what);
      expect((error as UnsafeValueError).where).toMatch(/^\$\.outer\[0\]\.inner/);
    }
  });

  it('refuses values nested too deep to be a view model', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 40; i++) deep = deep.next = {};
    expect(() => assertPlainData(root)).toThrow(/nested deeper/);
  });
});

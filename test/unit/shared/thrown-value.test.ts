import { describe, expect, it } from 'vitest';
import { describeThrown } from '../../../src/main/core/logging/crash-entry.js';
import { problemReportOf } from '../../../src/renderer/src/diagnostics/problem-report.js';
import { thrownParts } from '../../../src/shared/thrown-value.js';

describe('thrownParts', () => {
  it('reads an Error, with its cause after the message', () => {
    const error = new TypeError('run is undefined', { cause: new RangeError('bay 9') });
    expect(thrownParts(error)).toEqual({
      name: 'TypeError',
      message: 'run is undefined (caused by RangeError: bay 9)',
      stack: error.stack,
    });
  });

  it('reads error-like objects (a DOMException, an error that crossed IPC) and names other values', () => {
    expect(thrownParts({ name: 'AbortError', message: 'aborted', stack: 'at f' })).toEqual({
      name: 'AbortError',
      message: 'aborted',
      stack: 'at f',
    });
    expect(thrownParts({ message: 'no name', name: '' }).name).toBe('Error');
    expect(thrownParts('timeout')).toEqual({ name: 'a thrown string', message: 'timeout', stack: null });
    expect(thrownParts(null)).toEqual({ name: 'a thrown null', message: 'null', stack: null });
    expect(thrownParts(42, (value) => `<${String(value)}>`)).toMatchObject({ message: '<42>' });
  });

  it('never throws on a value whose properties or text cannot be read', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('getter threw');
        },
        getPrototypeOf() {
          return Object.prototype;
        },
      },
    );
    expect(thrownParts(hostile)).toMatchObject({ message: '(its properties could not be read)' });
    const unprintable = Object.create(null) as object;
    expect(thrownParts(unprintable)).toMatchObject({ message: '(a value that cannot be shown)' });
  });

  it('gives main’s crash entry and the renderer’s problem report the same name and message', () => {
    const cases: unknown[] = [
      new SyntaxError('bad template', { cause: new Error('line 3') }),
      { name: 'DOMException', message: 'quota exceeded' },
      'plain text',
      undefined,
    ];
    for (const thrown of cases) {
      const main = describeThrown(thrown);
      const renderer = problemReportOf('window-error', thrown, 'health');
      expect([renderer.name, renderer.message]).toEqual([main.name, main.message]);
    }
  });
});

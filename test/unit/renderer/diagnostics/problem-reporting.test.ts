import { describe, expect, it } from 'vitest';
import { invokeSchemas } from '../../../../src/shared/ipc-contract.js';
import type { DiagnosticsReport } from '../../../../src/shared/diagnostics.js';
import {
  listenForPageProblems,
  type ProblemEventSource,
} from '../../../../src/renderer/src/diagnostics/page-problem-listeners.js';
import { problemReportOf } from '../../../../src/renderer/src/diagnostics/problem-report.js';
import { ProblemReporter } from '../../../../src/renderer/src/diagnostics/problem-reporter.js';

/** What main would accept: every report the renderer builds must pass the contract's schema. */
const accepted = (report: DiagnosticsReport) =>
  invokeSchemas['diagnostics.report'].safeParse([report]).success;

describe('problemReportOf', () => {
  it('carries an Error’s name, message and stack, and a component stack after it', () => {
    const error = new TypeError('run is undefined');
    const report = problemReportOf('render-error', error, 'batch-queue', '\n    at RunRow\n    at RunQueue');
    expect(report).toMatchObject({
      kind: 'render-error',
      screen: 'batch-queue',
      name: 'TypeError',
      message: 'run is undefined',
    });
    expect(report.stack).toContain('TypeError: run is undefined');
    expect(report.stack).toMatch(/Component stack:\n {4}at RunRow\n {4}at RunQueue$/);
    expect(accepted(report)).toBe(true);
  });

  it('describes thrown values that are not Errors', () => {
    expect(problemReportOf('unhandled-rejection', 'timeout', 'health')).toEqual({
      kind: 'unhandled-rejection',
      screen: 'health',
      name: 'a thrown string',
      message: 'timeout',
      stack: null,
    });
    expect(problemReportOf('unhandled-rejection', undefined, 'health')).toMatchObject({
      name: 'a thrown undefined',
      message: 'undefined',
    });
    expect(
      problemReportOf('window-error', { message: 'from a worker', name: 'DOMException' }, 'history'),
    ).toMatchObject({
      name: 'DOMException',
      message: 'from a worker',
      stack: null,
    });
  });

  it('writes the page’s own address as ./ (the harness’s carries its access token)', () => {
    const base = 'http://127.0.0.1:41234/TOKEN_abcdefghijklmnopqrstuv/';
    const error = new Error(`failed to load ${base}assets/chunk.js`);
    error.stack = `Error: failed\n    at mr (${base}assets/index-Cv.js:11:82)\n    at ts (${base}assets/index-Cv.js:8:49)`;
    const report = problemReportOf('window-error', error, 'health', null, base);
    expect(report.message).toBe('failed to load ./assets/chunk.js');
    expect(report.stack).toBe(
      'Error: failed\n    at mr (./assets/index-Cv.js:11:82)\n    at ts (./assets/index-Cv.js:8:49)',
    );
    expect(JSON.stringify(report)).not.toContain('TOKEN_');
  });

  it('cuts long text to what main accepts, and keeps the name printable', () => {
    const error = new Error('x '.repeat(5000));
    error.name = `Weird\u0007${'N'.repeat(500)}`;
    error.stack = 'at f\n'.repeat(5000);
    const report = problemReportOf('window-error', error, 'device', 'at C\n'.repeat(5000));
    expect(report.message.length).toBe(2000);
    expect(report.stack!.length).toBe(8000);
    expect(report.name.length).toBe(120);
    expect(report.name).not.toMatch(/\p{Cc}/u);
    expect(accepted(report)).toBe(true);
  });
});

describe('ProblemReporter', () => {
  it('tells main the screen when it changes, and each problem with the screen it happened on', async () => {
    const sent: DiagnosticsReport[] = [];
    const reporter = new ProblemReporter(async (report) => void sent.push(report));
    reporter.showing('batch-setup');
    reporter.showing('batch-setup');
    reporter.problem('window-error', new Error('boom'));
    reporter.showing('history');
    await Promise.resolve();
    expect(
      sent.map((report) =>
        report.kind === 'screen' ? `screen ${report.screen}` : `${report.kind} on ${report.screen}`,
      ),
    ).toEqual(['screen batch-setup', 'window-error on batch-setup', 'screen history']);
  });

  it('sends at most ten problems a minute, and never throws when it cannot send', () => {
    let now = 0;
    let sent = 0;
    const reporter = new ProblemReporter(
      () => {
        sent++;
        return Promise.reject(new Error('bridge gone'));
      },
      () => now,
    );
    for (let index = 0; index < 25; index++) reporter.problem('render-error', new Error(`frame ${index}`));
    expect(sent).toBe(10);
    now = 60_000;
    reporter.problem('render-error', new Error('later'));
    expect(sent).toBe(11);
    const unconnected = new ProblemReporter(() => {
      throw new Error('The station bridge is not connected.');
    });
    expect(() => unconnected.problem('window-error', 'early')).not.toThrow();
  });
});

describe('listenForPageProblems', () => {
  function source() {
    const listeners = new Map<string, Set<(event: object) => void>>();
    const target: ProblemEventSource = {
      addEventListener: (type, listener) => {
        const set = listeners.get(type) ?? new Set();
        set.add(listener);
        listeners.set(type, set);
      },
      removeEventListener: (type, listener) => void listeners.get(type)?.delete(listener),
    };
    const dispatch = (type: string, event: object) => {
      for (const listener of listeners.get(type) ?? []) listener(event);
    };
    return {
      target,
      dispatch,
      count: () => [...listeners.values()].reduce((total, set) => total + set.size, 0),
    };
  }

  it('reports uncaught errors and unhandled rejections, until stopped', () => {
    const { target, dispatch, count } = source();
    const seen: { kind: string; thrown: unknown }[] = [];
    const stop = listenForPageProblems(target, {
      problem: (kind, thrown) => void seen.push({ kind, thrown }),
    });
    const error = new RangeError('bay index');
    dispatch('error', { error, message: 'Uncaught RangeError: bay index' });
    dispatch('error', {
      error: null,
      message: 'Script error.',
      filename: 'app://station/x.js',
      lineno: 3,
      colno: 9,
    });
    dispatch('unhandledrejection', { reason: 'no answer' });
    expect(seen).toEqual([
      { kind: 'window-error', thrown: error },
      {
        kind: 'window-error',
        thrown: { name: 'Error', message: 'Script error.', stack: '    at app://station/x.js:3:9' },
      },
      { kind: 'unhandled-rejection', thrown: 'no answer' },
    ]);
    expect(count()).toBe(2);
    stop();
    expect(count()).toBe(0);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import {
  crashEntryLines,
  maskBareSecretKeys,
  type OperatorContext,
} from '../../../src/main/core/logging/crash-entry.js';
import { createRedactingLog } from '../../../src/main/core/logging/redacting-log.js';
import { findSecretSpans } from '../../../src/main/core/logging/secret-shapes.js';
import type { BatchView, RunView } from '../../../src/shared/view-models.js';
import { makeSecretSamples, pemBody, type SecretSamples } from '../ipc/secret-samples.js';

let s: SecretSamples;
beforeAll(async () => {
  s = await makeSecretSamples();
});

/**
 * A bare AWS secret access key (40 base64 characters). Fixed, unlike the samples' random one, which
 * may by chance lack a digit or a capital that the bare-key rule asks for.
 */
const bareSecretKey = 'Tz8+Rk2qLw9vXb4NcY7hUe1sPa6DmJ3fGo5iKr0W';

const at = Date.parse('2026-03-01T08:15:00.000Z');

const batch: BatchView = {
  id: 'batch_01JNQ',
  label: 'Line 3 morning',
  templateName: 'StationTemplate',
  parameters: {},
  targetCount: 40,
  bays: 2,
  status: 'running',
  operatorUsername: 'installer',
  createdAt: at - 600_000,
  finishedAt: null,
  counts: { done: 12, failed: 1, waiting: 3, active: 2, cancelled: 0 },
  devicesPerHour: 72,
};

function run(overrides: Partial<RunView>): RunView {
  return {
    runId: 'run_1',
    batchId: batch.id,
    bayId: 'bay-1',
    portPath: '/dev/ttyUSB0',
    attempt: 1,
    phase: 'claim',
    phaseStartedAt: at,
    startedAt: at,
    finishedAt: null,
    serialNumber: 'SN-0001',
    model: null,
    hardwareRevision: null,
    firmwareVersion: null,
    mode: 'csr',
    progress: null,
    transfer: null,
    claimExpiresAt: null,
    heldIdentity: null,
    thingName: null,
    certificateId: null,
    fingerprint: null,
    otherCertificateIds: [],
    replaced: null,
    failure: null,
    recovered: false,
    ...overrides,
  };
}

const context: OperatorContext = {
  profileName: 'Sandbox (embedded)',
  session: { status: 'signed-in', username: 'installer', mayProvision: true },
  screen: 'batch-queue',
  batch,
  runs: [
    run({ runId: 'run_1', phase: 'claim', portPath: '/dev/ttyUSB0', serialNumber: 'SN-0001' }),
    run({ runId: 'run_2', phase: 'delivery', portPath: '/dev/ttyUSB1', serialNumber: null, bayId: 'bay-2' }),
    run({ runId: 'run_0', phase: 'done', portPath: '/dev/ttyUSB0', serialNumber: 'SN-0000' }),
  ],
  recentIpc: [
    { at: at - 2000, channel: 'batch.get' },
    { at: at - 1000, channel: 'runs.retry' },
  ],
};

/** The entry as the log file gets it: each line through the core's redacting sink. */
function logged(lines: string[]): string {
  const out: string[] = [];
  const log = createRedactingLog((line) => out.push(line));
  for (const line of lines) log(line);
  return out.join('\n');
}

describe('crash entry', () => {
  it('is a block of lines marked CRASH #n, with the error and what the operator was doing', () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'bay')");
    const lines = crashEntryLines({ where: 'main process', kind: 'uncaught exception', error }, context, 3);
    expect(lines.every((line) => line.startsWith('CRASH #3 '))).toBe(true);
    expect(lines[0]).toBe('CRASH #3 begin: main process, uncaught exception');
    expect(lines.at(-1)).toBe('CRASH #3 end');
    expect(lines).toContain("CRASH #3 error: TypeError: Cannot read properties of undefined (reading 'bay')");
    const frames = lines.filter((line) => line.startsWith('CRASH #3 stack: '));
    expect(frames.length).toBeGreaterThan(2);
    expect(frames[0]).toMatch(/^CRASH #3 stack: at .*crash-entry\.test\.ts:\d+:\d+/);
    expect(lines).toContain('CRASH #3 operator: signed in as installer (may provision); screen: batch-queue');
    expect(lines).toContain('CRASH #3 profile: Sandbox (embedded)');
    expect(lines).toContain(
      'CRASH #3 batch: "Line 3 morning" (batch_01JNQ, running, template StationTemplate): 12 done, 1 failed, 2 active, 3 waiting, 0 cancelled',
    );
    // Runs in flight only: the finished one is left out.
    expect(lines).toContain('CRASH #3 runs in flight: 2');
    expect(lines).toContain(
      'CRASH #3 run: claim on /dev/ttyUSB0, serial SN-0001, bay bay-1, run run_1, attempt 1',
    );
    expect(lines).toContain(
      'CRASH #3 run: delivery on /dev/ttyUSB1, serial not read yet, bay bay-2, run run_2, attempt 1',
    );
    expect(lines.join('\n')).not.toContain('run_0');
    expect(lines).toContain(
      'CRASH #3 recent IPC (2, oldest first): 08:14:58.000Z batch.get, 08:14:59.000Z runs.retry',
    );
  });

  it('says when nobody is signed in, nothing is open and no screen was reported', () => {
    const lines = crashEntryLines(
      { where: 'child process', kind: 'child process gone', detail: 'GPU: crashed, exit code 139' },
      {
        profileName: null,
        session: { status: 'signed-out', username: null, mayProvision: false },
        screen: null,
        batch: null,
        runs: [],
        recentIpc: [],
      },
      1,
    );
    expect(lines).toEqual([
      'CRASH #1 begin: child process, child process gone',
      'CRASH #1 detail: GPU: crashed, exit code 139',
      'CRASH #1 operator: not signed in; screen: not reported',
      'CRASH #1 profile: none',
      'CRASH #1 batch: none open',
      'CRASH #1 runs in flight: 0',
      'CRASH #1 recent IPC (0, oldest first): none',
      'CRASH #1 end',
    ]);
  });

  it('describes values that are not Errors, and an error’s cause', () => {
    const rejected = crashEntryLines(
      {
        where: 'main process',
        kind: 'unhandled promise rejection',
        error: { code: 42, path: '/dev/ttyUSB0' },
      },
      context,
      1,
    );
    expect(rejected).toContain("CRASH #1 error: a thrown object: { code: 42, path: '/dev/ttyUSB0' }");
    const plain = crashEntryLines({ where: 'main process', kind: 'x', error: 'just a string' }, context, 2);
    expect(plain).toContain('CRASH #2 error: a thrown string: just a string');
    const caused = crashEntryLines(
      {
        where: 'main process',
        kind: 'x',
        error: new Error('journal write failed', { cause: new RangeError('disk full') }),
      },
      context,
      3,
    );
    expect(caused).toContain('CRASH #3 error: Error: journal write failed (caused by RangeError: disk full)');
  });

  it('redacts a PEM key, a JWT and AWS credentials in the message and the stack', () => {
    const message =
      `claim failed: ${s.rsaPkcs8Pem}\nwith token ${s.jwt} and ` +
      `credentials {"AccessKeyId":"${s.accessKeyId}","SecretAccessKey":"${s.secretAccessKey}"} ` +
      `and a bare key ${bareSecretKey} in the text`;
    const error = new Error(message);
    // A stack holds the message again, and a key may sit in a frame's text too.
    error.stack = `Error: ${message}\n    at claim (file:///app/out/main/index.js:10:5)\n    at ${s.ecSec1Pem}`;
    const renderer = {
      name: 'Error',
      message: `render failed ${s.jwt}`,
      // Another engine's format (no "at" frames): every line is kept, so the key's lines must be
      // redacted as one block before the stack is cut into lines.
      stack: `Queue@app://station/assets/index.js:1:2\n${s.rsaPkcs1Pem}\nrender@app://station/assets/index.js:3:4`,
    };
    const text = logged([
      ...crashEntryLines({ where: 'main process', kind: 'uncaught exception', error }, context, 1),
      ...crashEntryLines({ where: 'renderer', kind: 'render error', error: renderer }, context, 2),
    ]);
    expect(text).toContain('[redacted private key]');
    expect(text).toContain('[redacted token]');
    expect(text).toContain('CRASH #1 stack: at claim (file:///app/out/main/index.js:10:5)');
    expect(text).toContain('CRASH #2 stack: Queue@app://station/assets/index.js:1:2');
    expect(text).toContain('CRASH #2 stack: [redacted private key]');
    expect(text).toContain('CRASH #2 stack: render@app://station/assets/index.js:3:4');
    for (const secret of [s.jwt, s.accessKeyId, s.secretAccessKey, bareSecretKey, 'PRIVATE KEY-----']) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain(s.jwt.split('.')[2]!.slice(0, 24));
    for (const pem of [s.rsaPkcs8Pem, s.ecSec1Pem, s.rsaPkcs1Pem]) {
      const body = pemBody(pem).replace(/\s/g, '');
      for (let index = 0; index + 24 <= body.length; index += 24) {
        expect(text).not.toContain(body.slice(index, index + 24));
      }
    }
    expect(findSecretSpans(text)).toEqual([]);
  });

  it('bounds the message and the stack', () => {
    const error = new Error('the port went away '.repeat(500));
    error.stack = Array.from({ length: 500 }, (_, index) => `    at frame${index} (file.js:${index}:1)`).join(
      '\n',
    );
    const lines = crashEntryLines({ where: 'main process', kind: 'x', error }, context, 1);
    const errorLine = lines.find((line) => line.startsWith('CRASH #1 error: '))!;
    expect(errorLine.length).toBeLessThan(2100);
    expect(errorLine).toContain('more characters cut');
    const frames = lines.filter((line) => line.startsWith('CRASH #1 stack: '));
    expect(frames.length).toBe(61);
    expect(frames.at(-1)).toMatch(/more frame\(s\)$/);
  });

  it('masks a bare 40-character secret access key, not hex ids or words', () => {
    const sha = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3';
    const masked = maskBareSecretKeys(`key ${bareSecretKey} sha ${sha} path /usr/lib/node_modules/x`);
    expect(masked).toBe(`key [redacted possible secret key] sha ${sha} path /usr/lib/node_modules/x`);
    expect(maskBareSecretKeys('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.')).toBe(
      '[redacted possible secret key].',
    );
  });
});

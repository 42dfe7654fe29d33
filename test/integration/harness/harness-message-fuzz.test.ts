import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { invokeSchemas } from '../../../src/shared/ipc-contract.js';
import { maxMessageBytes } from '../../harness/harness-server.js';
import { call, openSocket, rawGet, startHarnessFixture, type HarnessFixture } from './harness-fixture.js';

/**
 * Whatever a page (or anything that got past the Host, Origin and token checks) sends over the IPC
 * socket, the harness closes that one socket or answers the call, and goes on serving everyone else.
 */

let fixture: HarnessFixture;
const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', recordUnhandled);
  process.on('uncaughtException', recordUnhandled);
  fixture = await startHarnessFixture();
});

afterAll(async () => {
  process.off('unhandledRejection', recordUnhandled);
  process.off('uncaughtException', recordUnhandled);
  await fixture.stop();
});

const channels = Object.keys(invokeSchemas);

/** One WebSocket message as it goes on the wire. */
interface Frame {
  what: string;
  data: string | Buffer;
  binary: boolean;
}

type Outcome = { closed: number } | { answered: number; channel: string };

/**
 * What the harness must do with a frame, worked out from the rules it promises (not from its
 * code): too big 1009, binary 1003, bad UTF-8 1007, not JSON 1003, not exactly an invoke 1008.
 */
function expectedOutcome(frame: Frame): Outcome {
  const bytes = typeof frame.data === 'string' ? Buffer.from(frame.data, 'utf8') : frame.data;
  if (bytes.length > maxMessageBytes) return { closed: 1009 };
  if (frame.binary) return { closed: 1003 };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { closed: 1007 };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { closed: 1003 };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { closed: 1008 };
  const message = value as Record<string, unknown>;
  const { type, id, channel, args } = message;
  const isInvoke =
    Object.keys(message).sort().join() === 'args,channel,id,type' &&
    type === 'invoke' &&
    Number.isSafeInteger(id) &&
    (id as number) >= 0 &&
    typeof channel === 'string' &&
    channel.length >= 1 &&
    channel.length <= 100 &&
    Array.isArray(args) &&
    args.length <= 16;
  return isInvoke ? { answered: id as number, channel: channel as string } : { closed: 1008 };
}

const good = { type: 'invoke', id: 1, channel: 'app.info', args: [] as unknown[] };
const json = (value: unknown) => JSON.stringify(value);
const nested = (depth: number, inner: string) => '['.repeat(depth) + inner + ']'.repeat(depth);

const frameArbitrary: fc.Arbitrary<Frame> = fc.oneof(
  // Random text, some of it JSON.
  fc.string({ unit: 'binary', maxLength: 200 }).map((data) => ({ what: 'random text', data, binary: false })),
  fc.json({ maxDepth: 4 }).map((data) => ({ what: 'random JSON', data, binary: false })),
  // Random bytes, as a binary frame and as a text frame (mostly not UTF-8).
  fc.uint8Array({ maxLength: 200 }).map((bytes) => ({
    what: 'binary frame',
    data: Buffer.from(bytes),
    binary: true,
  })),
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => ({
    what: 'raw bytes as text',
    data: Buffer.from(bytes),
    binary: false,
  })),
  // Deep JSON: the whole message, the channel, or one argument.
  fc
    .tuple(fc.integer({ min: 1_000, max: 200_000 }), fc.constantFrom('whole', 'channel', 'args'))
    .map(([depth, where]) => ({
      what: `JSON ${String(depth)} deep in ${where}`,
      data:
        where === 'whole'
          ? nested(depth, '')
          : where === 'channel'
            ? `{"type":"invoke","id":1,"channel":${nested(depth, '')},"args":[]}`
            : `{"type":"invoke","id":1,"channel":"app.info","args":[${nested(depth, '')}]}`,
      binary: false,
    })),
  // Every field with a value of any kind (mostly the wrong type), a field missing, a field too many.
  fc
    .tuple(fc.constantFrom('type', 'id', 'channel', 'args'), fc.jsonValue({ maxDepth: 3 }))
    .map(([field, value]) => ({
      what: `${field} = ${json(value).slice(0, 40)}`,
      data: json({ ...good, [field]: value }),
      binary: false,
    })),
  fc.constantFrom('type', 'id', 'channel', 'args').map((field) => {
    const message: Record<string, unknown> = { ...good };
    delete message[field];
    return { what: `no ${field}`, data: json(message), binary: false };
  }),
  fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })).map(([key, value]) => ({
    what: `extra key ${key}`,
    data: json({ ...good, [key]: value }),
    binary: false,
  })),
  // Just over the limits: too many arguments, too long a channel name, too large an id.
  fc.integer({ min: 17, max: 40 }).map((count) => ({
    what: `${String(count)} args`,
    data: json({ ...good, args: Array.from({ length: count }, () => 0) }),
    binary: false,
  })),
  fc.integer({ min: 101, max: 300 }).map((length) => ({
    what: `a ${String(length)}-letter channel`,
    data: json({ ...good, channel: 'a'.repeat(length) }),
    binary: false,
  })),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 1, 1e300, 0.5).map((id) => ({
    what: `id ${String(id)}`,
    data: json({ ...good, id }),
    binary: false,
  })),
  // Well-formed calls: unknown channels, and real channels with arguments of any shape.
  fc
    .tuple(
      fc.string({ minLength: 1, maxLength: 100 }),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
    )
    .filter(([channel]) => !channels.includes(channel))
    .map(([channel, args]) => ({
      what: `unknown channel ${channel}`,
      data: json({ ...good, channel, args }),
      binary: false,
    })),
  fc
    .tuple(fc.constantFrom(...channels), fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }))
    .map(([channel, args]) => ({
      what: `${channel} with random args`,
      data: json({ ...good, channel, args }),
      binary: false,
    })),
  // Over the size limit, as text and as binary (one kind among the others: a megabyte or two each).
  fc
    .tuple(fc.constantFrom(maxMessageBytes + 1, 2 * maxMessageBytes), fc.boolean())
    .map(([size, binary]) => ({ what: `${String(size)} bytes`, data: Buffer.alloc(size, 0x5b), binary })),
);

interface Reply {
  type: string;
  id: number;
  result: { ok: unknown; error?: { code: string } };
}

/** Opens a socket, sends the frame, and reports the first reply or the close code. */
async function sendFrame(frame: Frame): Promise<{ closed: number } | { reply: Reply }> {
  const socket = await openSocket(fixture);
  // A megabyte still being written when the harness closes the socket may end in a reset.
  socket.on('error', () => undefined);
  const outcome = await new Promise<{ closed: number } | { reply: Reply }>((resolveOutcome) => {
    // Events broadcast meanwhile are not this frame's answer.
    const onMessage = (data: unknown) => {
      const message = JSON.parse(String(data)) as Reply;
      if (message.type === 'event') return;
      socket.off('message', onMessage);
      resolveOutcome({ reply: message });
    };
    socket.on('message', onMessage);
    socket.once('close', (code) => resolveOutcome({ closed: code }));
    socket.send(frame.data, { binary: frame.binary });
  });
  if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
  return outcome;
}

it('survives a fuzzed stream of bad messages, serving good calls on another socket throughout', async () => {
  // The good caller: one app.info after another on its own socket for as long as the fuzzing runs.
  const caller = await openSocket(fixture);
  let fuzzing = true;
  const goodAnswers: unknown[] = [];
  const goodCalls = (async () => {
    for (let id = 1; fuzzing; id++) goodAnswers.push(await call(caller, id, 'app.info'));
  })();

  let sent = 0;
  const seen = new Set<string>();
  await fc.assert(
    fc.asyncProperty(fc.array(frameArbitrary, { minLength: 1, maxLength: 5 }), async (frames) => {
      // Several bad sockets at once.
      const outcomes = await Promise.all(frames.map((frame) => sendFrame(frame)));
      sent += frames.length;
      for (const [index, frame] of frames.entries()) {
        const expected = expectedOutcome(frame);
        const outcome = outcomes[index];
        seen.add('closed' in expected ? `closed ${String(expected.closed)}` : 'answered');
        if ('closed' in expected) {
          expect(outcome, frame.what).toEqual(expected);
          continue;
        }
        // A well-formed call gets its own id back with an IpcResult, refused or answered.
        expect(outcome, frame.what).toMatchObject({ reply: { type: 'result', id: expected.answered } });
        const { result } = (outcome as { reply: Reply }).reply;
        expect(typeof result.ok, frame.what).toBe('boolean');
        if (!channels.includes(expected.channel)) {
          expect(result.error?.code, frame.what).toBe('UNKNOWN_CHANNEL');
        }
      }
    }),
    { numRuns: 80, interruptAfterTimeLimit: 12_000 },
  );

  // One socket that sends a burst of mixed frames without waiting: it is closed, nothing else is.
  const burst = await openSocket(fixture);
  burst.on('error', () => undefined);
  const burstClosed = new Promise<number>((resolveClose) => burst.once('close', resolveClose));
  for (const frame of fc.sample(frameArbitrary, { numRuns: 60, seed: 7 })) {
    burst.send(frame.data, { binary: frame.binary });
  }
  expect([1003, 1007, 1008, 1009]).toContain(await burstClosed);

  fuzzing = false;
  await goodCalls;
  caller.close();

  expect(sent).toBeGreaterThan(100);
  // Every way of being refused happened, and well-formed calls were answered.
  expect([...seen].sort()).toEqual(['answered', 'closed 1003', 'closed 1007', 'closed 1008', 'closed 1009']);
  expect(goodAnswers.length).toBeGreaterThan(10);
  for (const answer of goodAnswers)
    expect(answer).toMatchObject({ ok: true, value: { name: 'Provisioning Station' } });

  // After all of it: a fresh socket is answered, the page is still served, nothing was left unhandled.
  const fresh = await openSocket(fixture);
  expect(await call(fresh, 1, 'app.info')).toMatchObject({
    ok: true,
    value: { name: 'Provisioning Station' },
  });
  fresh.close();
  const page = await rawGet(fixture.port, `${fixture.prefix}index.html`, [`Host: ${fixture.host}`]);
  expect(page.status).toBe(200);
  expect(page.body).toContain('harness-bridge.js');
  expect(unhandled).toEqual([]);
}, 30_000);

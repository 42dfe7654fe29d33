import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cobsDecode, cobsEncode, cobsMaxEncodedLength } from '../../../src/main/core/device-link/cobs.js';
import { crc32 } from '../../../src/main/core/device-link/crc32.js';
import {
  decodeSegment,
  encodeFrame,
  FrameDecoder,
  frameWireLength,
  maxPayloadForWireBudget,
} from '../../../src/main/core/device-link/frame-codec.js';
import type { DecodedItem, Frame } from '../../../src/main/core/device-link/frame-codec.js';

const MAX_SEGMENT = cobsMaxEncodedLength(4096);
const frameArb = fc.record({
  type: fc.integer({ min: 0, max: 255 }),
  seq: fc.integer({ min: 0, max: 255 }),
  payload: fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
});

function framesOf(items: DecodedItem[]): Frame[] {
  return items.flatMap((item) => (item.kind === 'frame' ? [item.frame] : []));
}

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    pieces.push(bytes.subarray(start, point));
    start = point;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}

describe('CRC-32', () => {
  it('matches the CRC-32/ISO-HDLC check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});

describe('COBS', () => {
  it('round-trips any bytes and never emits 0x00', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const encoded = cobsEncode(bytes);
        expect(encoded.includes(0)).toBe(false);
        expect(encoded.length).toBeLessThanOrEqual(cobsMaxEncodedLength(bytes.length));
        expect(cobsDecode(encoded)).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('encodes the worked examples of the protocol document', () => {
    expect(cobsEncode(Buffer.from([0x11, 0x00, 0x00, 0x22]))).toEqual(
      Buffer.from([0x02, 0x11, 0x01, 0x02, 0x22]),
    );
    expect(cobsEncode(Buffer.alloc(0))).toEqual(Buffer.from([0x01]));
    const run = Buffer.alloc(254, 0x42);
    expect(cobsEncode(run)).toEqual(Buffer.concat([Buffer.from([0xff]), run, Buffer.from([0x01])]));
  });

  it('rejects blocks that point past their end', () => {
    expect(cobsDecode(Buffer.from([0x05, 0x11]))).toBeUndefined();
  });
});

describe('frame codec', () => {
  it('decodes every frame back, whatever garbage surrounds it and however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(frameArb, fc.uint8Array({ maxLength: 80 })), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (entries, cuts) => {
          const stream = Buffer.concat(
            entries.flatMap(([frame, garbage]) => [Buffer.from(garbage), encodeFrame(frame, true)]),
          );
          const decoder = new FrameDecoder(MAX_SEGMENT);
          const items = splitAt(stream, cuts).flatMap((piece) => decoder.push(piece));
          expect(framesOf(items)).toEqual(entries.map(([frame]) => frame));
        },
      ),
    );
  });

  it('never throws on arbitrary bytes and only emits frames whose CRC checks', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const decoder = new FrameDecoder(512);
        for (const chunk of chunks) {
          for (const item of decoder.push(chunk)) {
            if (item.kind !== 'frame') continue;
            // A frame out of random bytes must be a genuinely valid frame: it re-encodes to itself.
            const again = decodeSegment(encodeFrame(item.frame).subarray(0, -1));
            expect(again).toEqual(item);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never accepts a frame with one damaged byte', () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (frame, position, xor) => {
        const wire = encodeFrame(frame, true);
        const index = 1 + (position % (wire.length - 2));
        wire[index] = (wire[index] as number) ^ xor;
        const items = new FrameDecoder(MAX_SEGMENT).push(wire);
        expect(framesOf(items)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('reports a damaged frame of consistent length as corrupt, not as text', () => {
    const wire = encodeFrame({ type: 0x82, seq: 7, payload: Buffer.from([1, 2, 3, 4]) });
    const body = cobsDecode(wire.subarray(0, -1)) as Buffer;
    body[5] = (body[5] as number) ^ 0xff;
    const damaged = Buffer.concat([cobsEncode(body), Buffer.from([0])]);
    expect(new FrameDecoder(MAX_SEGMENT).push(damaged)).toEqual([
      { kind: 'corrupt', length: damaged.length - 1 },
    ]);
  });

  it('passes log text through as text and bounds oversized segments', () => {
    const decoder = new FrameDecoder(64);
    const text = decoder.push(Buffer.from('boot ok\r\n\0'));
    expect(text).toEqual([{ kind: 'text', bytes: Buffer.from('boot ok\r\n') }]);
    const long = decoder.push(Buffer.alloc(200, 0x41));
    expect(long.every((item) => item.kind === 'text' && item.bytes.length === 64)).toBe(true);
    const frame = { type: 1, seq: 2, payload: Buffer.from('x') };
    expect(framesOf(decoder.push(encodeFrame(frame, true)))).toEqual([frame]);
  });

  it('sizes chunks to a wire budget exactly', () => {
    for (const budget of [64, 128, 256, 1024, 2048]) {
      const payload = maxPayloadForWireBudget(budget);
      expect(frameWireLength(payload)).toBeLessThanOrEqual(budget);
      expect(frameWireLength(payload + 1)).toBeGreaterThan(budget);
      const worst = encodeFrame({ type: 3, seq: 0, payload: Buffer.alloc(payload, 0x55) }, true);
      expect(worst.length).toBeLessThanOrEqual(budget);
    }
  });

  it('encodes the worked example of the protocol document byte for byte', () => {
    const wire = encodeFrame({ type: 0x01, seq: 0x2a, payload: Buffer.from([0x01, 0x01, 0x00, 0x01]) }, true);
    expect(wire.toString('hex')).toBe(EXAMPLE_HELLO_REQUEST_WIRE);
  });
});

/** HELLO_REQUEST, seq 0x2a, protocol version 1 — the first example in docs/device-protocol.md. */
const EXAMPLE_HELLO_REQUEST_WIRE = '0004012a040301010601f7c6ad9700';

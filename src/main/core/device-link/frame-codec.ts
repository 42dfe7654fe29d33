import { cobsDecode, cobsEncode, cobsMaxEncodedLength } from './cobs.js';
import { crc32 } from './crc32.js';

/**
 * Frame layout (before COBS): type u8 · seq u8 · payload length u16 LE · payload · CRC-32 LE over
 * everything before it. On the wire: COBS(body) followed by a 0x00 delimiter; a sender also puts a
 * 0x00 in front of a frame whenever other bytes (device log text) may precede it.
 */
export const FRAME_HEADER_LENGTH = 4;
export const FRAME_CRC_LENGTH = 4;
export const FRAME_OVERHEAD = FRAME_HEADER_LENGTH + FRAME_CRC_LENGTH;
export const FRAME_DELIMITER = 0x00;

export interface Frame {
  type: number;
  seq: number;
  payload: Buffer;
}

/** Bytes a frame with `payloadLength` bytes of payload can occupy on the wire, both delimiters included. */
export function frameWireLength(payloadLength: number): number {
  return cobsMaxEncodedLength(FRAME_OVERHEAD + payloadLength) + 2;
}

/** Largest payload whose frame (both delimiters included) fits in `wireBudget` bytes. */
export function maxPayloadForWireBudget(wireBudget: number): number {
  let payload = Math.max(0, wireBudget - FRAME_OVERHEAD - 3);
  while (payload > 0 && frameWireLength(payload) > wireBudget) payload--;
  return payload;
}

/** Encodes one frame, terminated by 0x00. `leadingDelimiter` adds a 0x00 in front too. */
export function encodeFrame(frame: Frame, leadingDelimiter = false): Buffer {
  if (!Number.isInteger(frame.type) || frame.type < 0 || frame.type > 0xff) {
    throw new RangeError(`frame type ${frame.type} is not a byte`);
  }
  if (!Number.isInteger(frame.seq) || frame.seq < 0 || frame.seq > 0xff) {
    throw new RangeError(`frame seq ${frame.seq} is not a byte`);
  }
  if (frame.payload.length > 0xffff) throw new RangeError(`frame payload of ${frame.payload.length} bytes`);
  const body = Buffer.alloc(FRAME_OVERHEAD + frame.payload.length);
  body[0] = frame.type;
  body[1] = frame.seq;
  body.writeUInt16LE(frame.payload.length, 2);
  frame.payload.copy(body, FRAME_HEADER_LENGTH);
  body.writeUInt32LE(crc32(body.subarray(0, FRAME_HEADER_LENGTH + frame.payload.length)), body.length - 4);
  const encoded = cobsEncode(body);
  body.fill(0);
  const wire = Buffer.alloc(encoded.length + (leadingDelimiter ? 2 : 1));
  encoded.copy(wire, leadingDelimiter ? 1 : 0);
  encoded.fill(0);
  return wire;
}

export type DecodedItem =
  | { kind: 'frame'; frame: Frame }
  /**
   * Bytes that are not a frame: device log output, boot banners, line noise. `oversize` marks the
   * first piece of a segment longer than any frame: it and everything up to the next 00 is text.
   */
  | { kind: 'text'; bytes: Buffer; oversize?: true }
  /** A segment shaped like a frame (consistent length) whose CRC does not check out. */
  | { kind: 'corrupt'; length: number };

/** Decodes one delimiter-free segment. */
export function decodeSegment(segment: Buffer): DecodedItem {
  const body = cobsDecode(segment);
  if (!body || body.length < FRAME_OVERHEAD) return { kind: 'text', bytes: segment };
  const payloadLength = body.readUInt16LE(2);
  if (payloadLength + FRAME_OVERHEAD !== body.length) {
    body.fill(0);
    return { kind: 'text', bytes: segment };
  }
  const expected = body.readUInt32LE(body.length - 4);
  if (crc32(body.subarray(0, body.length - 4)) !== expected) {
    body.fill(0);
    return { kind: 'corrupt', length: segment.length };
  }
  const payload = Buffer.from(body.subarray(FRAME_HEADER_LENGTH, FRAME_HEADER_LENGTH + payloadLength));
  const frame: Frame = { type: body[0] as number, seq: body[1] as number, payload };
  body.fill(0);
  return { kind: 'frame', frame };
}

/**
 * Streaming decoder: feed it whatever the port delivers (any split, any garbage) and it returns the
 * frames, text and corrupt segments completed so far. A segment longer than `maxSegmentLength`
 * cannot be a frame: it is passed on as text in pieces so memory stays bounded, and nothing of it,
 * up to the next 00, is ever decoded as a frame (section 2.4).
 */
export class FrameDecoder {
  private segment: Buffer;
  private length = 0;
  private overflowed = false;

  constructor(private readonly maxSegmentLength: number) {
    this.segment = Buffer.alloc(maxSegmentLength);
  }

  push(chunk: Uint8Array): DecodedItem[] {
    const items: DecodedItem[] = [];
    for (const byte of chunk) {
      if (byte === FRAME_DELIMITER) {
        if (this.length > 0) {
          const segment = Buffer.from(this.segment.subarray(0, this.length));
          items.push(this.overflowed ? { kind: 'text', bytes: segment } : decodeSegment(segment));
        }
        this.segment.fill(0, 0, this.length);
        this.length = 0;
        this.overflowed = false;
        continue;
      }
      if (this.length === this.maxSegmentLength) {
        const bytes = Buffer.from(this.segment);
        items.push(this.overflowed ? { kind: 'text', bytes } : { kind: 'text', bytes, oversize: true });
        this.segment.fill(0);
        this.length = 0;
        this.overflowed = true;
      }
      this.segment[this.length++] = byte;
    }
    return items;
  }

  /** Zeroes any partial segment (it may hold part of a secret). */
  reset(): void {
    this.segment.fill(0);
    this.length = 0;
    this.overflowed = false;
  }
}

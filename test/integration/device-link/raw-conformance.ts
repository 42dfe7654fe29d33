import { expect } from 'vitest';
import { SerialPortTransport } from '../../../src/main/core/device-link/byte-transport.js';
import { crc32 } from '../../../src/main/core/device-link/crc32.js';
import { encodeFrame, FrameDecoder } from '../../../src/main/core/device-link/frame-codec.js';
import type { Frame } from '../../../src/main/core/device-link/frame-codec.js';
import { ClaimTag, ErrorCode, MessageType } from '../../../src/main/core/device-link/protocol-constants.js';
import {
  decodeAck,
  decodeHello,
  decodeNak,
  eventProvisionSeq,
} from '../../../src/main/core/device-link/protocol-messages.js';
import { encodeTlv, u16, u32, u8, utf8 } from '../../../src/main/core/device-link/tlv.js';
import type { TlvField } from '../../../src/main/core/device-link/tlv.js';

/**
 * Request by request, what docs/device-protocol.md says a device answers: the same checks run against
 * the reference device (sandbox/devices) and the independent C device, so the two cannot drift apart
 * where the station can see it. Raw frames, because the station's DeviceLink never sends bad ones.
 */
export class RawStation {
  private readonly decoder = new FrameDecoder(8192);
  private readonly frames: Frame[] = [];
  /** Every frame received, never cleared. */
  readonly received: Frame[] = [];
  private wake: (() => void) | undefined;
  private first = true;

  private constructor(private readonly transport: SerialPortTransport) {
    transport.onData((data) => {
      for (const item of this.decoder.push(data)) {
        if (item.kind !== 'frame') continue;
        this.frames.push(item.frame);
        this.received.push(item.frame);
      }
      this.wake?.();
    });
  }

  static async open(path: string): Promise<RawStation> {
    return new RawStation(await SerialPortTransport.open(path, 115200));
  }

  /** Bytes as they are, no framing (line noise, a lost delimiter). */
  async sendRaw(bytes: Buffer): Promise<void> {
    await this.transport.write(bytes);
  }

  async send(type: number, seq: number, payload: Buffer): Promise<void> {
    await this.transport.write(encodeFrame({ type, seq, payload }, this.first));
    this.first = false;
  }

  /** Sends a request and returns the device's answer (the first HELLO/ACK/NAK with its seq). */
  async ask(type: number, seq: number, payload: Buffer = Buffer.alloc(0)): Promise<Frame> {
    this.frames.length = 0;
    await this.send(type, seq, payload);
    const deadline = Date.now() + 2000;
    for (;;) {
      const answer = this.frames.find(
        (frame) => frame.seq === seq && frame.type >= 0x81 && frame.type <= 0x83,
      );
      if (answer) return answer;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no answer to type 0x${type.toString(16)} seq ${seq}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async nakCode(type: number, seq: number, payload?: Buffer): Promise<string> {
    const answer = await this.ask(type, seq, payload);
    if (answer.type !== MessageType.Nak) return `type 0x${answer.type.toString(16)}`;
    const nak = decodeNak(answer.payload);
    return nak.ok ? `0x${nak.value.code.toString(16).padStart(4, '0')}` : 'bad NAK';
  }

  async heldBytes(type: number, seq: number, payload: Buffer): Promise<number | string> {
    const answer = await this.ask(type, seq, payload);
    if (answer.type !== MessageType.Ack) return `type 0x${answer.type.toString(16)}`;
    const ack = decodeAck(answer.payload);
    return ack.ok && ack.value.heldBytes !== undefined ? ack.value.heldBytes : 'no HeldBytes';
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

const hex = (code: number) => `0x${code.toString(16).padStart(4, '0')}`;

/** A small claim (section 5.1) with the given clock fields (seconds); `extra` fields are appended. */
export function rawClaim(
  expiresAt: number,
  stationTime: number | undefined,
  extra: TlvField[] = [],
  port: Buffer = u16(8883),
): Buffer {
  return encodeTlv([...rawFields(expiresAt, stationTime, port), ...extra]);
}

function rawFields(expiresAt: number, stationTime: number | undefined, port: Buffer = u16(8883)): TlvField[] {
  return [
    [ClaimTag.CertificatePem, utf8('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')],
    [ClaimTag.PrivateKeyPem, utf8('-----BEGIN PRIVATE KEY-----\nBBBB\n-----END PRIVATE KEY-----\n')],
    [ClaimTag.RootCaPem, utf8('-----BEGIN CERTIFICATE-----\nCCCC\n-----END CERTIFICATE-----\n')],
    [ClaimTag.EndpointHost, utf8('example-ats.iot.eu-west-1.amazonaws.com')],
    [ClaimTag.EndpointPort, port],
    [ClaimTag.TemplateName, utf8('RawTemplate')],
    [ClaimTag.ExpiresAt, u32(expiresAt)],
    ...(stationTime === undefined ? [] : [[ClaimTag.StationTime, u32(stationTime)] as TlvField]),
  ];
}

function claimBegin(id: number, claim: Buffer): Buffer {
  return encodeTlv([
    [0x01, Buffer.alloc(16, id)],
    [0x02, u32(claim.length)],
    [0x03, u32(crc32(claim))],
  ]);
}

function chunk(offset: number, data: Buffer): Buffer {
  return Buffer.concat([u32(offset), data]);
}

/**
 * Delivers `claim` in `size`-byte chunks (≤ 200: a chunk frame fits a 256-byte buffer), one at a
 * time; returns the last chunk's answer (code or held).
 */
async function deliver(
  station: RawStation,
  seq: number,
  id: number,
  claim: Buffer,
  size = 100,
): Promise<number | string> {
  const begun = await station.heldBytes(MessageType.ClaimBegin, seq, claimBegin(id, claim));
  if (begun !== 0) return begun;
  let answer: number | string = 0;
  for (let offset = 0; offset < claim.length; offset += size) {
    const data = claim.subarray(offset, offset + size);
    const chunkSeq = (seq + 1 + offset / size) & 0xff;
    const reply = await station.ask(MessageType.ClaimChunk, chunkSeq, chunk(offset, data));
    if (reply.type === MessageType.Nak) {
      const nak = decodeNak(reply.payload);
      return nak.ok ? hex(nak.value.code) : 'bad NAK';
    }
    const ack = decodeAck(reply.payload);
    answer = ack.ok && ack.value.heldBytes !== undefined ? ack.value.heldBytes : 'bad ACK';
  }
  return answer;
}

/**
 * Runs every check on an idle device that holds no claim and no identity, whose serial number is
 * `serial`. Leaves it idle without a claim.
 */
export async function checkDeviceConformance(station: RawStation, serial: string): Promise<void> {
  const M = hex(ErrorCode.Malformed);
  // 4.1: the version NAK says which versions the device serves; ProtocolVersion is required, u8, once.
  const versionNak = await station.ask(MessageType.HelloRequest, 0x60, encodeTlv([[0x01, u8(2)]]));
  expect(versionNak.type).toBe(MessageType.Nak);
  expect(decodeNak(versionNak.payload)).toMatchObject({
    ok: true,
    value: { code: ErrorCode.VersionUnsupported, supportedVersions: [1] },
  });
  expect(await station.nakCode(MessageType.HelloRequest, 0x61)).toBe(M);
  expect(await station.nakCode(MessageType.HelloRequest, 0x62, encodeTlv([[0x01, u16(1)]]))).toBe(M);
  expect(
    await station.nakCode(
      MessageType.HelloRequest,
      0x63,
      encodeTlv([
        [0x01, u8(1)],
        [0x01, u8(1)],
      ]),
    ),
  ).toBe(M);
  const hello = await station.ask(
    MessageType.HelloRequest,
    0x64,
    encodeTlv([
      [0x7f, utf8('a field from the future')],
      [0x01, u8(1)],
    ]),
  );
  expect(hello.type).toBe(MessageType.Hello);
  expect(decodeHello(hello.payload)).toMatchObject({
    ok: true,
    value: { serialNumber: serial, state: 'idle' },
  });

  // 4: unknown request types, including the reserved 04.
  expect(await station.nakCode(0x04, 0x65)).toBe(hex(ErrorCode.UnknownType));
  expect(await station.nakCode(0x7e, 0x66)).toBe(hex(ErrorCode.UnknownType));
  // 2.5: fields that run past the end make any request with fields MALFORMED, even WIPE_CLAIM.
  expect(await station.nakCode(MessageType.WipeClaim, 0x67, Buffer.from([0x01, 0x05, 0x00, 0x41]))).toBe(M);

  // 4.5 check 0 comes before NO_CLAIM; an unknown Mode value is MODE_UNSUPPORTED, not MALFORMED.
  expect(await station.nakCode(MessageType.Provision, 0x68, encodeTlv([[0x02, u8(0)]]))).toBe(M);
  expect(await station.nakCode(MessageType.Provision, 0x69, encodeTlv([[0x01, u16(1)]]))).toBe(M);
  expect(await station.nakCode(MessageType.Provision, 0x6a, encodeTlv([[0x01, u8(1)]]))).toBe(
    hex(ErrorCode.NoClaim),
  );

  // 5.2: CLAIM_BEGIN with a missing field or TotalLength 0; CLAIM_CHUNK shorter than 5 bytes.
  const claim = rawClaim(2_000_000_000, 1_900_000_000);
  const begin = claimBegin(0x11, claim);
  expect(await station.nakCode(MessageType.ClaimBegin, 0x6b, begin.subarray(0, begin.length - 7))).toBe(M);
  expect(
    await station.nakCode(
      MessageType.ClaimBegin,
      0x6c,
      encodeTlv([
        [0x01, Buffer.alloc(16, 1)],
        [0x02, u32(0)],
        [0x03, u32(0)],
      ]),
    ),
  ).toBe(M);
  expect(await station.nakCode(MessageType.ClaimChunk, 0x6d, u32(0))).toBe(M);
  expect(await station.nakCode(MessageType.ClaimChunk, 0x6e, chunk(0, Buffer.from([1])))).toBe(
    hex(ErrorCode.NoClaim),
  );

  // 4.6 RESET_IDENTITY, in order: 0 MALFORMED (no or empty serial), 1 SERIAL_MISMATCH.
  expect(await station.nakCode(MessageType.ResetIdentity, 0x6f)).toBe(M);
  expect(await station.nakCode(MessageType.ResetIdentity, 0x70, encodeTlv([[0x01, Buffer.alloc(0)]]))).toBe(
    M,
  );
  expect(
    await station.nakCode(MessageType.ResetIdentity, 0x71, encodeTlv([[0x01, utf8(`${serial}X`)]])),
  ).toBe(hex(ErrorCode.SerialMismatch));

  // 3.1: a retransmission (same type and seq, nothing in between) replays the answer; any other
  // request in between, a CLAIM_CHUNK too, makes the device forget it and act afresh.
  expect(await station.heldBytes(MessageType.ClaimBegin, 0x72, begin)).toBe(0);
  expect(await station.heldBytes(MessageType.ClaimBegin, 0x72, begin)).toBe(0);
  expect(await station.heldBytes(MessageType.ClaimChunk, 0x73, chunk(0, claim.subarray(0, 50)))).toBe(50);
  expect(await station.heldBytes(MessageType.ClaimBegin, 0x72, begin)).toBe(50);

  // 5.2 (revision 1.2): a NAKed CLAIM_BEGIN changes nothing; the partial claim stays and resumes.
  const tooLarge = encodeTlv([
    [0x01, Buffer.alloc(16, 0x12)],
    [0x02, u32(0x7fffffff)],
    [0x03, u32(0)],
  ]);
  expect(await station.nakCode(MessageType.ClaimBegin, 0x75, tooLarge)).toBe(hex(ErrorCode.ClaimTooLarge));
  expect(await station.nakCode(MessageType.ClaimBegin, 0x76, begin.subarray(0, begin.length - 7))).toBe(M);
  const holding = await station.ask(MessageType.HelloRequest, 0x77, encodeTlv([[0x01, u8(1)]]));
  expect(decodeHello(holding.payload)).toMatchObject({
    ok: true,
    value: {
      state: 'receiving-claim',
      heldClaim: { claimId: '11'.repeat(16), bytes: 50, total: claim.length },
    },
  });
  expect(await station.heldBytes(MessageType.ClaimBegin, 0x78, begin)).toBe(50);
  expect((await station.ask(MessageType.WipeClaim, 0x74)).type).toBe(MessageType.Ack);

  // 2.4 (revision 1.2): a segment that fills the whole receive buffer without a 00 is discarded up
  // to the next 00, and the device keeps receiving: the next request is answered.
  await station.sendRaw(Buffer.alloc(600, 0x41));
  await station.sendRaw(Buffer.from([0x00]));
  const afterNoise = await station.ask(MessageType.HelloRequest, 0x79, encodeTlv([[0x01, u8(1)]]));
  expect(decodeHello(afterNoise.payload)).toMatchObject({ ok: true, value: { serialNumber: serial } });

  // 5.1: StationTime is required; a repeated non-repeatable field or a wrong size is invalid.
  const invalid = hex(ErrorCode.ClaimInvalid);
  expect(await deliver(station, 0x80, 0x21, rawClaim(2_000_000_000, undefined))).toBe(invalid);
  const twice = rawClaim(2_000_000_000, 1_900_000_000, [[ClaimTag.TemplateName, utf8('Other')]]);
  expect(await deliver(station, 0x88, 0x22, twice)).toBe(invalid);
  const wrongSize = rawClaim(2_000_000_000, 1_900_000_000, [], u32(8883));
  expect(await deliver(station, 0x90, 0x23, wrongSize)).toBe(invalid);

  // 5.1 (revision 1.2): TemplateParameter encoding errors and limits, TemplateName characters and
  // the EndpointHost limit make a claim invalid; an empty value and keys/values at the limit do not.
  const parameter = (key: Buffer | string, value: Buffer | string): TlvField => [
    ClaimTag.TemplateParameter,
    Buffer.concat([Buffer.from(key), Buffer.from([0]), Buffer.from(value)]),
  ];
  const withFields = (...fields: TlvField[]) => rawClaim(2_000_000_000, 1_900_000_000, fields);
  const invalidClaims = [
    withFields([ClaimTag.TemplateParameter, utf8('no separator')]),
    withFields(parameter('', 'empty key')),
    withFields(parameter('Serial', Buffer.from([0x41, 0x00, 0x42]))),
    withFields(parameter('Serial', Buffer.from([0xff, 0xfe]))),
    withFields(parameter('Serial', Buffer.from([0xc0, 0x80]))),
    withFields(parameter('Serial', Buffer.from([0xed, 0xa0, 0x80]))),
    withFields(parameter('Serial', 'a'), parameter('Serial', 'b')),
    withFields(parameter('k'.repeat(2049), 'x')),
    withFields(parameter('Serial', 'v'.repeat(4097))),
    encodeTlv([
      ...(rawFields(2_000_000_000, 1_900_000_000).filter(
        ([tag]) => tag !== ClaimTag.TemplateName,
      ) as TlvField[]),
      [ClaimTag.TemplateName, utf8('bad/name')],
    ]),
    encodeTlv([
      ...(rawFields(2_000_000_000, 1_900_000_000).filter(
        ([tag]) => tag !== ClaimTag.EndpointHost,
      ) as TlvField[]),
      [ClaimTag.EndpointHost, utf8('h'.repeat(254))],
    ]),
  ];
  for (const [index, bad] of invalidClaims.entries()) {
    expect({ index, answer: await deliver(station, 0x10 + index * 4, 0x40 + index, bad, 200) }).toEqual({
      index,
      answer: invalid,
    });
  }
  const atLimits = withFields(parameter('k'.repeat(2048), 'v'.repeat(4096)), parameter('Empty', ''));
  expect(await deliver(station, 0x60, 0x3f, atLimits, 200)).toBe(atLimits.length);
  expect((await station.ask(MessageType.WipeClaim, 0x9f)).type).toBe(MessageType.Ack);

  // 5.2 / 4.5: a claim that has expired when it is complete is NAKed CLAIM_EXPIRED and wiped, and
  // PROVISION then answers CLAIM_EXPIRED (not NO_CLAIM) until the next wipe.
  const expired = hex(ErrorCode.ClaimExpired);
  expect(await deliver(station, 0x98, 0x24, rawClaim(1_900_000_000, 1_900_000_000))).toBe(expired);
  expect(await station.nakCode(MessageType.Provision, 0xa0, encodeTlv([[0x01, u8(1)]]))).toBe(expired);
  expect((await station.ask(MessageType.WipeClaim, 0xa1)).type).toBe(MessageType.Ack);
  expect(await station.nakCode(MessageType.Provision, 0xa2, encodeTlv([[0x01, u8(1)]]))).toBe(
    hex(ErrorCode.NoClaim),
  );

  // A good claim still goes through, and WIPE_CLAIM leaves the device as we found it.
  expect(await deliver(station, 0xa8, 0x25, claim)).toBe(claim.length);
  expect((await station.ask(MessageType.WipeClaim, 0xb0)).type).toBe(MessageType.Ack);
  const after = await station.ask(MessageType.HelloRequest, 0xb1, encodeTlv([[0x01, u8(1)]]));
  expect(decodeHello(after.payload)).toMatchObject({ ok: true, value: { state: 'idle' } });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Section 3.2: a RESULT that nobody acknowledges carries its PROVISION's seq, is repeated every second
 * while the device is already idle (not BUSY), and stops at the next PROVISION. Leaves the device
 * idle without a claim or identity.
 */
export async function checkUnacknowledgedOutcome(station: RawStation, serial: string): Promise<void> {
  const claim = rawClaim(2_000_000_000, 1_900_000_000);
  expect(await deliver(station, 0xc0, 0x31, claim)).toBe(claim.length);
  const provision = encodeTlv([
    [0x01, u8(2)],
    [0x02, u8(1)],
  ]);
  const started = station.received.length;
  expect((await station.ask(MessageType.Provision, 0xc8, provision)).type).toBe(MessageType.Ack);
  const outcomes = () => station.received.slice(started).filter((frame) => frame.type === MessageType.Result);
  for (let waited = 0; outcomes().length < 2 && waited < 5000; waited += 50) await sleep(50);
  const copies = outcomes();
  expect(copies.length).toBeGreaterThanOrEqual(2); // repeated (same seq) while unacknowledged
  expect(new Set(copies.map((frame) => frame.seq)).size).toBe(1);
  expect(eventProvisionSeq('result', (copies[0] as Frame).payload)).toBe(0xc8);

  // 3.1 (revision 1.2): a retransmitted PROVISION only replays its ACK (acting afresh would be NAK
  // NO_CLAIM: the claim is gone) and does not stop the repeats of its own outcome.
  expect((await station.ask(MessageType.Provision, 0xc8, provision)).type).toBe(MessageType.Ack);
  const beforeReplayWait = outcomes().length;
  for (let waited = 0; outcomes().length === beforeReplayWait && waited < 2500; waited += 50) await sleep(50);
  expect(outcomes().length).toBeGreaterThan(beforeReplayWait);

  const hello = await station.ask(MessageType.HelloRequest, 0xc9, encodeTlv([[0x01, u8(1)]]));
  expect(decodeHello(hello.payload)).toMatchObject({ ok: true, value: { state: 'idle', identity: {} } });
  const beforeProvision = outcomes().length;
  expect(await station.nakCode(MessageType.Provision, 0xca, provision)).toBe(hex(ErrorCode.NoClaim));
  const afterProvision = outcomes().length;
  await sleep(1500);
  expect(outcomes().length).toBe(afterProvision); // no copy after the PROVISION was handled
  expect(afterProvision - beforeProvision).toBeLessThanOrEqual(1); // at most one already on the line

  expect((await station.ask(MessageType.ResetIdentity, 0xcb, encodeTlv([[0x01, utf8(serial)]]))).type).toBe(
    MessageType.Ack,
  );
}

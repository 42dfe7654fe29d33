import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeClaimBlob, EncodedClaim } from '../../../src/main/core/device-link/claim-blob.js';
import { DeviceLogAssembler } from '../../../src/main/core/device-link/device-log-assembler.js';
import { ErrorCode, errorCodeName } from '../../../src/main/core/device-link/protocol-constants.js';
import {
  decodeClaimBegin,
  decodeFailure,
  decodeHello,
  decodeHelloRequest,
  decodeNak,
  decodeProvision,
  decodeResult,
  encodeNak,
  eventProvisionSeq,
  encodeClaimBegin,
  encodeFailure,
  encodeHello,
  encodeProvision,
  encodeResult,
} from '../../../src/main/core/device-link/protocol-messages.js';
import type { DeviceHello } from '../../../src/main/core/device-link/protocol-messages.js';
import { encodeTlv, TlvFields, u16, u8 } from '../../../src/main/core/device-link/tlv.js';
import { sampleClaim } from '../../../sandbox/devices/sample-claim.js';

const hello: DeviceHello = {
  protocolVersion: 1,
  serialNumber: 'SN-000123',
  model: 'Sensor One',
  hardwareRevision: 'B2',
  firmwareVersion: '1.4.0',
  rxBuffer: 256,
  modes: ['csr', 'keys'],
  maxClaim: 8192,
  state: 'idle',
  boot: false,
  bootId: 0x1234abcd,
  identity: { thingName: 'dev_SN-000123', certificateId: 'a'.repeat(64) },
  heldClaim: { claimId: '0f'.repeat(16), bytes: 1000, total: 3600 },
};

describe('TLV fields', () => {
  it('round-trips any fields and skips nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 300 }))),
        (fields) => {
          const decoded = TlvFields.decode(
            encodeTlv(fields.map(([tag, value]) => [tag, Buffer.from(value)])),
          );
          expect(decoded).toBeDefined();
          for (const [tag] of fields) {
            expect(decoded?.all(tag)).toEqual(
              fields.filter(([t]) => t === tag).map(([, v]) => Buffer.from(v)),
            );
          }
        },
      ),
    );
  });

  it('refuses a field that runs past the end', () => {
    expect(TlvFields.decode(Buffer.from([0x01, 0x05, 0x00, 0x41]))).toBeUndefined();
  });

  it('makes a repeated non-repeatable tag or a known field of the wrong size malformed (2.5)', () => {
    const rules = { 1: { size: 1 }, 2: {}, 3: { repeatable: true } };
    const ok = encodeTlv([
      [1, u8(1)],
      [3, u8(1)],
      [3, u8(2)],
      [9, u8(1)],
      [9, u8(2)],
    ]);
    expect(TlvFields.decode(ok, rules)?.all(3)).toHaveLength(2);
    expect(TlvFields.decode(encodeTlv([[1, u16(1)]]), rules)).toBeUndefined();
    expect(
      TlvFields.decode(
        encodeTlv([
          [2, u8(1)],
          [2, u8(1)],
        ]),
        rules,
      ),
    ).toBeUndefined();
    expect(decodeHelloRequest(encodeTlv([[1, u16(1)]])).ok).toBe(false);
    const twoSerials = Buffer.concat([encodeHello(hello), encodeTlv([[0x02, Buffer.from('SN-2')]])]);
    expect(decodeHello(twoSerials).ok).toBe(false);
  });

  it('never throws on arbitrary payloads for any message decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const payload = Buffer.from(bytes);
        for (const decode of [decodeHello, decodeClaimBegin, decodeProvision, decodeResult, decodeFailure]) {
          expect(() => decode(payload)).not.toThrow();
        }
      }),
    );
  });
});

describe('messages', () => {
  it('round-trips HELLO with identity and held claim', () => {
    expect(decodeHello(encodeHello(hello))).toEqual({ ok: true, value: hello });
  });

  it('round-trips HELLO of an identity without a thing name (ThingName empty)', () => {
    const noThing = { ...hello, identity: { thingName: '', certificateId: 'c'.repeat(64) } };
    expect(decodeHello(encodeHello(noThing))).toEqual({ ok: true, value: noThing });
  });

  it('rejects a HELLO that announces a receive buffer below 256 bytes', () => {
    const decoded = decodeHello(encodeHello({ ...hello, rxBuffer: 255 }));
    expect(decoded.ok).toBe(false);
  });

  it('round-trips CLAIM_BEGIN, PROVISION, RESULT and FAILURE', () => {
    const begin = { claimId: 'ab'.repeat(16), totalLength: 3600, crc32: 0xdeadbeef };
    expect(decodeClaimBegin(encodeClaimBegin(begin))).toEqual({ ok: true, value: begin });
    const provision = { mode: 'keys' as const, replaceIdentity: true };
    expect(decodeProvision(encodeProvision(provision))).toEqual({ ok: true, value: provision });
    const result = { thingName: 'dev_1', certificateId: 'c'.repeat(64), fingerprint: 'd'.repeat(64) };
    expect(decodeResult(encodeResult(result))).toEqual({ ok: true, value: result });
    const failure = {
      code: 0x0204,
      message: 'RegisterThing rejected',
      stage: 7,
      aws: { statusCode: 400, errorCode: 'InvalidCertificateOwnershipToken', errorMessage: 'bad token' },
    };
    expect(decodeFailure(encodeFailure(failure))).toEqual({ ok: true, value: failure });
  });
});

describe('version NAK, error names and ProvisionSeq', () => {
  it('carries the versions the device serves in NAK VERSION_UNSUPPORTED', () => {
    const nak = { code: ErrorCode.VersionUnsupported, message: 'no', supportedVersions: [1, 2] };
    expect(decodeNak(encodeNak(nak))).toEqual({ ok: true, value: nak });
  });

  it("names error codes as the document's table does", () => {
    expect(errorCodeName[ErrorCode.SerialMismatch]).toBe('SERIAL_MISMATCH');
    expect(errorCodeName[ErrorCode.ClaimCrcMismatch]).toBe('CLAIM_CRC_MISMATCH');
    expect(errorCodeName[ErrorCode.Internal]).toBe('INTERNAL');
  });

  it('reads ProvisionSeq from RESULT and FAILURE, undefined when a device omits it', () => {
    const result = { thingName: 't', certificateId: 'c'.repeat(64), fingerprint: 'c'.repeat(64) };
    expect(eventProvisionSeq('result', encodeResult(result, 0x2a))).toBe(0x2a);
    expect(decodeResult(encodeResult(result, 0x2a))).toEqual({ ok: true, value: result });
    expect(eventProvisionSeq('result', encodeResult(result))).toBeUndefined();
    expect(eventProvisionSeq('failure', encodeFailure({ code: 0x0201, message: 'x' }, 7))).toBe(7);
  });

  it('decodes PROVISION with an unknown mode as well-formed (MODE_UNSUPPORTED), without Mode as malformed', () => {
    expect(decodeProvision(encodeTlv([[0x01, u8(3)]]))).toEqual({
      ok: true,
      value: { replaceIdentity: false },
    });
    expect(decodeProvision(encodeTlv([[0x02, u8(1)]])).ok).toBe(false);
  });
});

describe('claim blob', () => {
  it('refuses an expiry in seconds or already past, naming the field but not the value', () => {
    const claim = sampleClaim(6);
    const seconds = Math.floor(claim.expiresAt / 1000);
    expect(() => EncodedClaim.encode({ ...claim, expiresAt: seconds })).toThrow(/claim\.expiresAt .*seconds/);
    expect(() => EncodedClaim.encode({ ...claim, expiresAt: seconds })).not.toThrow(String(seconds));
    expect(() => EncodedClaim.encode({ ...claim, expiresAt: Date.now() - 1000 })).toThrow(
      /claim\.expiresAt .*expired/,
    );
    expect(() => EncodedClaim.encode(claim, claim.expiresAt)).toThrow(/claim\.expiresAt/);
  });

  it('needs StationTime and refuses repeated or wrongly sized fields (5.1)', () => {
    const bytes = EncodedClaim.encode(sampleClaim(7), 1_700_000_000_000).bytes;
    expect(decodeClaimBlob(bytes.subarray(0, bytes.length - 7)).ok).toBe(false); // StationTime is last
    expect(decodeClaimBlob(Buffer.concat([bytes, bytes.subarray(bytes.length - 7)])).ok).toBe(false);
  });

  it('encodes a claim the device decodes back, with a stable id per encoding', () => {
    const claim = sampleClaim(4);
    const encoded = EncodedClaim.encode(claim, 1_700_000_000_000);
    const decoded = decodeClaimBlob(encoded.bytes);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.claim.certificatePem).toBe(claim.certificatePem);
    expect(decoded.claim.templateParameters).toEqual(claim.templateParameters);
    expect(decoded.claim.expiresAt).toBe(Math.floor(claim.expiresAt / 1000) * 1000);
    expect(decoded.claim.stationTime).toBe(1_700_000_000_000);
    expect(EncodedClaim.encode(claim, 1_700_000_000_000).claimId).toBe(encoded.claimId);
    expect(encoded.length).toBeGreaterThan(3000);
  });

  it('wipes its bytes', () => {
    const encoded = EncodedClaim.encode(sampleClaim(5));
    encoded.wipe();
    expect(encoded.bytes.every((byte) => byte === 0)).toBe(true);
  });

  it('refuses to build a claim whose template parameters a device would call invalid (5.1)', () => {
    const withParameters = (templateParameters: Record<string, string>) => () =>
      EncodedClaim.encode(sampleClaim(8, { templateParameters }));
    expect(withParameters({ '': 'x' })).toThrow();
    expect(withParameters({ 'Se\0rial': 'x' })).toThrow();
    expect(withParameters({ Serial: 'x\0y' })).toThrow();
    expect(withParameters({ Serial: '\ud800' })).toThrow(); // a lone surrogate is no UTF-8
    expect(withParameters({ ['k'.repeat(2049)]: 'x' })).toThrow();
    expect(withParameters({ Serial: 'v'.repeat(4097) })).toThrow();
    expect(withParameters({ Serial: 'é'.repeat(2049) })).toThrow(); // 4098 bytes in UTF-8
    expect(withParameters({ ['k'.repeat(2048)]: 'v'.repeat(4096), Empty: '' })).not.toThrow();
    expect(() => EncodedClaim.encode(sampleClaim(8, { templateName: 'bad/name' }))).toThrow();
    expect(() =>
      EncodedClaim.encode(sampleClaim(8, { endpoint: { host: 'h'.repeat(254), port: 8883 } })),
    ).toThrow();
  });

  it('decodes, as a device, every TemplateParameter encoding error of 5.1 as invalid', () => {
    const good = EncodedClaim.encode(sampleClaim(9, { templateParameters: {} }), 1_700_000_000_000).bytes;
    const withParameter = (...values: Buffer[]) =>
      decodeClaimBlob(Buffer.concat([good, encodeTlv(values.map((value) => [0x07, value] as const))]));
    const parameter = (key: Buffer | string, value: Buffer | string) =>
      Buffer.concat([Buffer.from(key), Buffer.from([0]), Buffer.from(value)]);
    expect(withParameter(parameter('Serial', 'SN-1'), parameter('Site', ''))).toMatchObject({
      ok: true,
      claim: { templateParameters: { Serial: 'SN-1', Site: '' } },
    });
    const invalid = [
      [Buffer.from('no separator')],
      [parameter('', 'empty key')],
      [parameter('Serial', Buffer.from([0x41, 0x00, 0x42]))], // a second 00
      [parameter('Serial', Buffer.from([0xff]))], // not UTF-8
      [parameter('Serial', Buffer.from([0xc0, 0x80]))], // overlong
      [parameter('Serial', Buffer.from([0xed, 0xa0, 0x80]))], // a surrogate
      [parameter('k'.repeat(2049), 'x')],
      [parameter('Serial', 'v'.repeat(4097))],
      [parameter('Serial', 'a'), parameter('Serial', 'b')], // the same key twice
    ];
    for (const values of invalid) {
      const decoded = withParameter(...values);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.reason).toMatch(/^template parameter /);
    }
    expect(withParameter(parameter('k'.repeat(2048), 'v'.repeat(4096))).ok).toBe(true);
  });

  it('names only the fields, never the values, of an invalid claim', () => {
    const bytes = encodeTlv([[0x02, Buffer.from('-----BEGIN PRIVATE KEY-----secret')]]);
    const decoded = decodeClaimBlob(bytes);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).not.toContain('secret');
  });
});

describe('device log lines', () => {
  it('splits on newlines and shows control bytes as escapes', () => {
    const assembler = new DeviceLogAssembler(16);
    expect(assembler.push(Buffer.concat([Buffer.from('boot\r\nok'), Buffer.from([0x01, 0xff])]))).toEqual([
      'boot',
    ]);
    expect(assembler.flush()).toEqual(['ok\\x01\\xff']);
    expect(assembler.push(Buffer.alloc(20, 0x41))).toEqual([`${'A'.repeat(16)}…`]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeClaimBlob, EncodedClaim } from '../../../src/main/core/device-link/claim-blob.js';
import { DeviceLogAssembler } from '../../../src/main/core/device-link/device-log-assembler.js';
import {
  decodeClaimBegin,
  decodeFailure,
  decodeHello,
  decodeProvision,
  decodeResult,
  encodeClaimBegin,
  encodeFailure,
  encodeHello,
  encodeProvision,
  encodeResult,
} from '../../../src/main/core/device-link/protocol-messages.js';
import type { DeviceHello } from '../../../src/main/core/device-link/protocol-messages.js';
import { encodeTlv, TlvFields } from '../../../src/main/core/device-link/tlv.js';
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

describe('claim blob', () => {
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

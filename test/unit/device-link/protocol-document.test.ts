import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cobsEncode } from '../../../src/main/core/device-link/cobs.js';
import { crc32 } from '../../../src/main/core/device-link/crc32.js';
import { encodeFrame, FrameDecoder } from '../../../src/main/core/device-link/frame-codec.js';
import {
  ErrorCode,
  errorCodeName,
  MessageType,
} from '../../../src/main/core/device-link/protocol-constants.js';
import {
  decodeFailure,
  decodeHello,
  decodeNak,
  eventProvisionSeq,
} from '../../../src/main/core/device-link/protocol-messages.js';

/** The protocol document is the contract: its examples and code must agree with the implementation. */
const documentText = readFileSync(new URL('../../../docs/device-protocol.md', import.meta.url), 'utf8');

function hex(line: string): Buffer {
  return Buffer.from(line.replace(/\s+/g, ''), 'hex');
}

const examples = [...documentText.matchAll(/^body: ([0-9a-f ]+)\nwire: ([0-9a-f ]+)$/gm)].map((match) => ({
  body: hex(match[1] as string),
  wire: hex(match[2] as string),
}));

describe('docs/device-protocol.md', () => {
  it('has its byte-for-byte examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(12);
  });

  it.each(examples.map((example, index) => [index, example] as const))(
    'example %i decodes to one valid frame that re-encodes to the same bytes',
    (_, { body, wire }) => {
      const items = new FrameDecoder(8192).push(wire);
      expect(items).toHaveLength(1);
      const item = items[0];
      if (item?.kind !== 'frame') throw new Error(`example is not a valid frame: ${item?.kind}`);
      expect(body.readUInt32LE(body.length - 4)).toBe(crc32(body.subarray(0, -4)));
      expect(encodeFrame(item.frame, true)).toEqual(wire);
      expect(Buffer.concat([Buffer.from([0]), cobsEncode(body), Buffer.from([0])])).toEqual(wire);
    },
  );

  it('examples carry the messages their captions name', () => {
    const frames = examples.map(({ wire }) => {
      const item = new FrameDecoder(8192).push(wire)[0];
      if (item?.kind !== 'frame') throw new Error('not a frame');
      return item.frame;
    });
    const hello = frames.find((frame) => frame.type === MessageType.Hello);
    expect(hello && decodeHello(hello.payload)).toMatchObject({
      ok: true,
      value: { serialNumber: 'SN-0042', rxBuffer: 256, modes: ['csr', 'keys'], bootId: 0x12345678 },
    });
    const nak = frames.find((frame) => frame.type === MessageType.Nak);
    expect(nak && decodeNak(nak.payload)).toEqual({
      ok: true,
      value: { code: 0x010b, message: 'provisioned' },
    });
    const failure = frames.find((frame) => frame.type === MessageType.Failure);
    expect(failure && decodeFailure(failure.payload)).toMatchObject({
      ok: true,
      value: { code: 0x0204, aws: { statusCode: 400, errorCode: 'InvalidCertificateOwnershipToken' } },
    });
    // Revision 1.2: the HELLO of an identity without a thing name, and a CONNECTION_LOST FAILURE.
    const noThing = frames.find((frame) => frame.type === MessageType.Hello && frame.seq === 0x2e);
    expect(noThing && decodeHello(noThing.payload)).toMatchObject({
      ok: true,
      value: {
        serialNumber: 'SN-0042',
        identity: { thingName: '', certificateId: '0123456789abcdef'.repeat(4) },
      },
    });
    const lost = frames.find((frame) => frame.type === MessageType.Failure && frame.seq === 0x05);
    const lostFailure = lost && decodeFailure(lost.payload);
    expect(lostFailure).toMatchObject({ ok: true, value: { code: ErrorCode.ConnectionLost, stage: 3 } });
    expect(lost && eventProvisionSeq('failure', lost.payload)).toBe(0x4e);
    expect(errorCodeName[ErrorCode.ConnectionLost]).toBe('CONNECTION_LOST');
  });

  it('states its revision, and logs the change of each revision in section 12', () => {
    const revision = /document revision (\d+\.\d+)/.exec(documentText)?.[1];
    expect(revision).toBe('1.2');
    expect(documentText).toContain(`**Revision ${revision}** (protocol version still 1)`);
  });

  it('names every error code as the station reports it (codeName)', () => {
    for (const code of Object.values(ErrorCode)) {
      const row = new RegExp(
        `^\\| \`${code.toString(16).padStart(4, '0')}\` \\| ${errorCodeName[code]} +\\|`,
        'm',
      );
      expect(documentText).toMatch(row);
    }
  });

  const compiler = spawnSync('cc', ['--version']).status === 0;
  if (!compiler)
    console.log('Skipping the C snippet check of docs/device-protocol.md: no C compiler (cc) on PATH.');
  it.skipIf(!compiler)('C snippets compute the same CRC-32 and COBS as the station', () => {
    const snippets = [...documentText.matchAll(/```c\n([\s\S]*?)```/g)].map((match) => match[1]).join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'protocol-c-'));
    try {
      writeFileSync(
        join(dir, 'check.c'),
        `#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n${snippets}\n` +
          `int main(int argc, char **argv) {\n` +
          `  size_t n = strlen(argv[1]) / 2; uint8_t in[4096], enc[4200], dec[4200];\n` +
          `  for (size_t i = 0; i < n; i++) sscanf(argv[1] + 2 * i, "%2hhx", &in[i]);\n` +
          `  size_t e = cobs_encode(in, n, enc); long d = cobs_decode(enc, e, dec);\n` +
          `  printf("%08x ", crc32_update(0, in, n));\n` +
          `  for (size_t i = 0; i < e; i++) printf("%02x", enc[i]);\n` +
          `  printf(" %d\\n", d == (long)n && memcmp(in, dec, n) == 0);\n  return 0;\n}\n`,
      );
      execFileSync('cc', ['-std=c99', '-Wall', '-Werror', '-o', join(dir, 'check'), join(dir, 'check.c')]);
      const inputs = [
        Buffer.from('123456789'),
        Buffer.from([0x11, 0x00, 0x00, 0x22]),
        Buffer.alloc(254, 0x42),
        Buffer.alloc(600).map((_, i) => (i * 7) % 5),
        ...examples.map(({ body }) => body),
      ];
      for (const input of inputs) {
        const output = execFileSync(join(dir, 'check'), [input.toString('hex')])
          .toString()
          .trim();
        expect(output).toBe(
          `${crc32(input).toString(16).padStart(8, '0')} ${cobsEncode(input).toString('hex')} 1`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

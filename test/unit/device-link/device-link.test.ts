import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ByteTransport } from '../../../src/main/core/device-link/byte-transport.js';
import { EncodedClaim } from '../../../src/main/core/device-link/claim-blob.js';
import { DeviceLink } from '../../../src/main/core/device-link/device-link.js';
import { encodeFrame, FrameDecoder } from '../../../src/main/core/device-link/frame-codec.js';
import type { Frame } from '../../../src/main/core/device-link/frame-codec.js';
import { ErrorCode, MessageType } from '../../../src/main/core/device-link/protocol-constants.js';
import {
  encodeAck,
  encodeFailure,
  encodeHello,
  encodeNak,
  encodeProgress,
  encodeResult,
} from '../../../src/main/core/device-link/protocol-messages.js';
import { encodeTlv, utf8 } from '../../../src/main/core/device-link/tlv.js';
import type { DeviceHello } from '../../../src/main/core/device-link/protocol-messages.js';
import { sampleClaim } from '../../../sandbox/devices/sample-claim.js';
import { value } from '../../integration/device-link/link-fixture.js';

/** An in-memory byte pipe: the test plays the device, byte by byte. */
class MemoryTransport implements ByteTransport {
  private dataListener: (data: Buffer) => void = () => undefined;
  private closeListeners: Array<(reason: string) => void> = [];
  private readonly decoder = new FrameDecoder(8192);
  closed = false;
  onFrame: (frame: Frame) => void = () => undefined;

  write(data: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new Error('EIO'));
    for (const item of this.decoder.push(data)) if (item.kind === 'frame') this.onFrame(item.frame);
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.drop('closed');
    return Promise.resolve();
  }
  onData(listener: (data: Buffer) => void): void {
    this.dataListener = listener;
  }
  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }
  feed(bytes: Buffer): void {
    this.dataListener(bytes);
  }
  drop(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners) listener(reason);
  }
}

const hello: DeviceHello = {
  protocolVersion: 1,
  serialNumber: 'SN-1',
  model: 'M',
  hardwareRevision: 'A',
  firmwareVersion: '1',
  rxBuffer: 256,
  modes: ['csr'],
  maxClaim: 8192,
  state: 'idle',
  boot: false,
  bootId: 7,
};

function rig() {
  const transport = new MemoryTransport();
  const link = new DeviceLink(transport, { baudRate: 115200, timeoutScale: 0.02 });
  const logs: string[] = [];
  link.on('log', (line) => logs.push(line));
  return { transport, link, logs };
}

const reply = (type: number, seq: number, payload: Buffer) => encodeFrame({ type, seq, payload }, true);

describe('DeviceLink against a scripted device', () => {
  it('ends in no-response, never a crash, whatever garbage the device sends instead of HELLO', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 6 }), async (chunks) => {
        const { transport, link } = rig();
        transport.onFrame = () => {
          for (const chunk of chunks) transport.feed(Buffer.from(chunk));
        };
        const result = await link.hello();
        expect(result.ok ? 'ok' : result.failure.kind).toBe('no-response');
        await link.close();
      }),
      { numRuns: 25 },
    );
  });

  it('finds the HELLO in garbage, split anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.integer({ min: 1, max: 40 }),
        async (before, after, pieceLength) => {
          const { transport, link } = rig();
          transport.onFrame = (frame) => {
            const stream = Buffer.concat([
              Buffer.from(before),
              reply(MessageType.Hello, frame.seq, encodeHello(hello)),
              Buffer.from(after),
            ]);
            for (let offset = 0; offset < stream.length; offset += pieceLength) {
              transport.feed(stream.subarray(offset, offset + pieceLength));
            }
          };
          const result = await link.hello();
          expect(result).toEqual({ ok: true, value: hello });
          await link.close();
        },
      ),
      { numRuns: 50 },
    );
  });

  it('turns an oversized segment into bounded log lines and still works', async () => {
    const { transport, link, logs } = rig();
    transport.onFrame = (frame) => {
      transport.feed(Buffer.alloc(20_000, 0x41));
      transport.feed(reply(MessageType.Hello, frame.seq, encodeHello(hello)));
    };
    expect((await link.hello()).ok).toBe(true);
    expect(logs.length).toBeGreaterThan(10);
    expect(Math.max(...logs.map((line) => line.length))).toBeLessThanOrEqual(257);
    // Section 2.4: one oversized segment, counted as such (log text may run long), not as corrupt.
    expect(link.stats.oversizeSegments).toBe(1);
    expect(link.stats.corruptFrames).toBe(0);
  });

  it('never decodes a frame hidden inside an oversized segment, only the one after its 00', async () => {
    const { transport, link } = rig();
    transport.onFrame = (frame) => {
      const answer = reply(MessageType.Hello, frame.seq, encodeHello(hello));
      // 5000 text bytes, then the HELLO without its leading 00: still the same (oversized) segment.
      transport.feed(Buffer.concat([Buffer.alloc(5000, 0x41), answer.subarray(1)]));
    };
    const result = await link.hello();
    expect(result.ok ? 'ok' : result.failure.kind).toBe('no-response');
    expect(link.stats.oversizeSegments).toBeGreaterThanOrEqual(1);
  });

  it('gives up on a frame cut off by silence', async () => {
    const { transport, link } = rig();
    transport.onFrame = (frame) =>
      transport.feed(reply(MessageType.Hello, frame.seq, encodeHello(hello)).subarray(0, 20));
    const result = await link.hello();
    expect(result.ok ? 'ok' : result.failure.kind).toBe('no-response');
  });

  it('refuses a HELLO of another protocol version or with a too-small buffer', async () => {
    for (const bad of [
      { ...hello, protocolVersion: 2 },
      { ...hello, rxBuffer: 128 },
    ]) {
      const { transport, link } = rig();
      transport.onFrame = (frame) => transport.feed(reply(MessageType.Hello, frame.seq, encodeHello(bad)));
      const result = await link.hello();
      expect(result.ok ? 'ok' : result.failure.kind).toBe('protocol-error');
    }
  });

  it('takes the HELLO of an identity without a thing name: ThingName empty or absent (4.2)', async () => {
    const certificateId = 'b'.repeat(64);
    const base = encodeHello(hello);
    const payloads = [
      Buffer.concat([
        base,
        encodeTlv([
          [0x09, Buffer.alloc(0)],
          [0x0a, utf8(certificateId)],
        ]),
      ]),
      Buffer.concat([base, encodeTlv([[0x0a, utf8(certificateId)]])]),
    ];
    for (const payload of payloads) {
      const { transport, link } = rig();
      transport.onFrame = (frame) => transport.feed(reply(MessageType.Hello, frame.seq, payload));
      expect(value(await link.hello()).identity).toEqual({ thingName: '', certificateId });
    }
    // A ThingName without a CertificateId is no identity the document knows.
    const { transport, link } = rig();
    const orphan = Buffer.concat([base, encodeTlv([[0x09, utf8('thing-1')]])]);
    transport.onFrame = (frame) => transport.feed(reply(MessageType.Hello, frame.seq, orphan));
    const result = await link.hello();
    expect(result.ok ? 'ok' : result.failure.kind).toBe('protocol-error');
  });

  it('ends a transfer with disconnected when the port goes away, and stays ended', async () => {
    const { transport, link } = rig();
    let chunks = 0;
    transport.onFrame = (frame) => {
      if (frame.type === MessageType.HelloRequest)
        transport.feed(reply(MessageType.Hello, frame.seq, encodeHello(hello)));
      if (frame.type === MessageType.ClaimBegin)
        transport.feed(reply(MessageType.Ack, frame.seq, encodeAck(0)));
      if (frame.type === MessageType.ClaimChunk && ++chunks === 2) setTimeout(() => transport.drop('EIO'), 1);
    };
    const result = await link.deliverClaim(EncodedClaim.encode(sampleClaim(1)));
    expect(result.ok ? 'ok' : result.failure.kind).toBe('disconnected');
    expect(((await link.hello()) as { ok: false; failure: { kind: string } }).failure.kind).toBe(
      'disconnected',
    );
  });

  it('ends a transfer with device-rebooted when a new boot id appears', async () => {
    const { transport, link } = rig();
    transport.onFrame = (frame) => {
      if (frame.type === MessageType.HelloRequest)
        transport.feed(reply(MessageType.Hello, frame.seq, encodeHello(hello)));
      if (frame.type === MessageType.ClaimBegin)
        transport.feed(reply(MessageType.Ack, frame.seq, encodeAck(0)));
      if (frame.type === MessageType.ClaimChunk) {
        setTimeout(
          () => transport.feed(reply(MessageType.Hello, 0, encodeHello({ ...hello, boot: true, bootId: 8 }))),
          1,
        );
      }
    };
    const rebooted: number[] = [];
    link.on('rebooted', (announced) => rebooted.push(announced.bootId));
    const result = await link.deliverClaim(EncodedClaim.encode(sampleClaim(2)));
    expect(result.ok ? 'ok' : result.failure.kind).toBe('device-rebooted');
    expect(rebooted).toEqual([8]);
  });

  it('ignores a repeated boot HELLO with the boot id it already knows', async () => {
    const { transport, link } = rig();
    const bootHello = reply(MessageType.Hello, 0, encodeHello({ ...hello, boot: true }));
    transport.onFrame = (frame) => transport.feed(reply(MessageType.Hello, frame.seq, encodeHello(hello)));
    expect((await link.hello()).ok).toBe(true);
    transport.feed(bootHello);
    transport.feed(bootHello);
    expect(link.stats.duplicateFrames).toBe(2);
  });
});

describe('DeviceLink provisioning events', () => {
  /** A scripted device: HELLO, then `onProvision` decides what the device sends around its ACK. */
  function provisioningRig(
    onProvision: (frame: Frame, send: (bytes: Buffer) => void, attempt: number) => void,
  ) {
    const { transport, link } = rig();
    const eventAcks: number[] = [];
    let attempts = 0;
    transport.onFrame = (frame) => {
      const send = (bytes: Buffer) => setTimeout(() => transport.feed(bytes), 1);
      if (frame.type === MessageType.HelloRequest)
        send(reply(MessageType.Hello, frame.seq, encodeHello(hello)));
      if (frame.type === MessageType.Provision) onProvision(frame, send, attempts++);
      if (frame.type === MessageType.EventAck) eventAcks.push(frame.seq);
    };
    const progress: number[] = [];
    link.on('progress', (update) => progress.push(update.stage));
    return { link, eventAcks, progress };
  }
  const result = { thingName: 'dev_1', certificateId: 'c'.repeat(64), fingerprint: 'c'.repeat(64) };
  const old = { thingName: 'old', certificateId: 'a'.repeat(64), fingerprint: 'a'.repeat(64) };

  it('reports each PROGRESS once however often it is repeated (same seq = heartbeat)', async () => {
    const { link, progress } = provisioningRig((frame, send) => {
      send(
        Buffer.concat([
          reply(MessageType.Ack, frame.seq, encodeAck()),
          reply(MessageType.Progress, 1, encodeProgress({ stage: 1 })),
          reply(MessageType.Progress, 1, encodeProgress({ stage: 1 })),
          reply(MessageType.Progress, 1, encodeProgress({ stage: 1 })),
          reply(MessageType.Progress, 2, encodeProgress({ stage: 2 })),
          reply(MessageType.Progress, 2, encodeProgress({ stage: 2 })),
          reply(MessageType.Progress, 3, encodeProgress({ stage: 2 })),
          reply(MessageType.Result, 4, encodeResult(result, frame.seq)),
        ]),
      );
    });
    expect(value(await link.startProvisioning({ mode: 'csr' }))).toEqual(result);
    expect(progress).toEqual([1, 2, 2]);
    expect(link.stats.duplicateFrames).toBe(3);
  });

  it('ignores a stale RESULT of an earlier PROVISION (its ProvisionSeq), before or after the ACK', async () => {
    const { link, eventAcks } = provisioningRig((frame, send) => {
      const stale = reply(MessageType.Result, 9, encodeResult(old, (frame.seq - 1) & 0xff));
      send(
        Buffer.concat([
          stale,
          reply(MessageType.Ack, frame.seq, encodeAck()),
          stale,
          reply(MessageType.Result, 10, encodeResult(result, frame.seq)),
        ]),
      );
    });
    expect(value(await link.startProvisioning({ mode: 'csr' }))).toEqual(result);
    expect(link.stats.staleEvents).toBe(2);
    expect(eventAcks).toEqual([9, 9, 10]); // every copy is acknowledged so the device stops repeating
  });

  it('takes a RESULT that arrives before the replayed ACK when the first ACK was lost', async () => {
    const { link } = provisioningRig((frame, send, attempt) => {
      // The first ACK is lost on the line; the run is so quick that its RESULT precedes the replay.
      if (attempt === 0) send(reply(MessageType.Result, 3, encodeResult(result, frame.seq)));
      else send(reply(MessageType.Ack, frame.seq, encodeAck()));
    });
    expect(value(await link.startProvisioning({ mode: 'csr' }))).toEqual(result);
    expect(link.stats.retransmittedRequests).toBe(1);
  });

  const fastFailure = { code: ErrorCode.ConnectFailed, message: 'refused', stage: 1 };

  it('keeps a fast FAILURE that arrives before the replayed ACK when the first ACK was lost (3.2)', async () => {
    const { link, eventAcks } = provisioningRig((frame, send, attempt) => {
      // The first ACK is lost; the device failed at once and its FAILURE beats the replayed ACK.
      if (attempt === 0) send(reply(MessageType.Failure, 4, encodeFailure(fastFailure, frame.seq)));
      else send(reply(MessageType.Ack, frame.seq, encodeAck()));
    });
    const result = await link.startProvisioning({ mode: 'csr' });
    expect(result.ok ? undefined : result.failure).toMatchObject({
      kind: 'provisioning-failed',
      codeName: 'CONNECT_FAILED',
      failure: fastFailure,
    });
    expect(link.stats.retransmittedRequests).toBe(1);
    expect(eventAcks).toEqual([4]); // acknowledged at once, so the device stopped repeating it
  });

  it('reports the FAILURE, not no-response, when every ACK is lost but the FAILURE names the PROVISION', async () => {
    const { link } = provisioningRig((frame, send, attempt) => {
      if (attempt === 0) send(reply(MessageType.Failure, 4, encodeFailure(fastFailure, frame.seq)));
    });
    const result = await link.startProvisioning({ mode: 'csr' });
    expect(result.ok ? undefined : result.failure).toMatchObject({
      kind: 'provisioning-failed',
      codeName: 'CONNECT_FAILED',
    });
    expect(link.stats.retransmittedRequests).toBe(3);
  });

  it("still ends in no-response when every ACK is lost and only another PROVISION's outcome came", async () => {
    const { link } = provisioningRig((frame, send, attempt) => {
      if (attempt === 0)
        send(reply(MessageType.Failure, 4, encodeFailure(fastFailure, (frame.seq + 1) & 0xff)));
    });
    const result = await link.startProvisioning({ mode: 'csr' });
    expect(result.ok ? 'ok' : result.failure.kind).toBe('no-response');
  });

  it('ends with aborted, promptly, when abort() is called synchronously from a progress listener', async () => {
    const { transport, link } = rig();
    const aborts: number[] = [];
    transport.onFrame = (frame) => {
      const send = (bytes: Buffer) => setTimeout(() => transport.feed(bytes), 1);
      if (frame.type === MessageType.Provision) {
        send(
          Buffer.concat([
            reply(MessageType.Ack, frame.seq, encodeAck()),
            reply(MessageType.Progress, 1, encodeProgress({ stage: 1 })),
            reply(MessageType.Progress, 2, encodeProgress({ stage: 2 })),
          ]),
        );
      }
      // After ABORT the device sends no RESULT/FAILURE (4.6): only the ACK.
      if (frame.type === MessageType.Abort) {
        aborts.push(frame.seq);
        send(reply(MessageType.Ack, frame.seq, encodeAck()));
      }
    };
    let aborted: Promise<unknown> | undefined;
    const stages: number[] = [];
    link.on('progress', (update) => {
      stages.push(update.stage);
      aborted ??= link.abort();
    });
    const result = await link.startProvisioning({ mode: 'csr' });
    // Revision 1.1 ended this run no-response (the silence timeout), although abort() returned ok.
    expect(result.ok ? 'ok' : result.failure.kind).toBe('aborted');
    expect(await aborted).toEqual({ ok: true, value: undefined });
    expect(stages).toEqual([1]); // nothing after the abort was reported as this run's progress
    expect(aborts).toHaveLength(1);
  });

  it('aborts a claim transfer from a transfer listener too, and the next operation runs normally', async () => {
    const { transport, link } = rig();
    transport.onFrame = (frame) => {
      const send = (bytes: Buffer) => setTimeout(() => transport.feed(bytes), 1);
      if (frame.type === MessageType.HelloRequest)
        send(reply(MessageType.Hello, frame.seq, encodeHello(hello)));
      if (frame.type === MessageType.ClaimBegin) send(reply(MessageType.Ack, frame.seq, encodeAck(0)));
      if (frame.type === MessageType.Abort) send(reply(MessageType.Ack, frame.seq, encodeAck()));
    };
    let aborted: Promise<unknown> | undefined;
    link.once('transfer', () => (aborted = link.abort()));
    const result = await link.deliverClaim(EncodedClaim.encode(sampleClaim(3)));
    expect(result.ok ? 'ok' : result.failure.kind).toBe('aborted');
    expect(await aborted).toEqual({ ok: true, value: undefined });
    expect(value(await link.hello())).toEqual(hello);
  });

  it('with a revision 1.0 device (no ProvisionSeq), leaves early copies unacknowledged and skips the last outcome', async () => {
    let run = 0;
    const { link, eventAcks } = provisioningRig((frame, send) => {
      run++;
      const first = reply(MessageType.Result, 5, encodeResult(old));
      if (run === 1) return send(Buffer.concat([reply(MessageType.Ack, frame.seq, encodeAck()), first]));
      // Second PROVISION: the old RESULT is still being repeated, before and after the ACK.
      send(
        Buffer.concat([
          first,
          reply(MessageType.Ack, frame.seq, encodeAck()),
          first,
          reply(MessageType.Result, 8, encodeResult(result)),
        ]),
      );
    });
    expect(value(await link.startProvisioning({ mode: 'csr' }))).toEqual(old);
    expect(value(await link.startProvisioning({ mode: 'csr', replaceIdentity: true }))).toEqual(result);
    expect(eventAcks).toEqual([5, 5, 8]); // the copy before the second ACK was not acknowledged
    expect(link.stats.staleEvents).toBe(2);
  });

  it('turns NAK VERSION_UNSUPPORTED into a protocol-error naming the versions the device serves', async () => {
    const { transport, link } = rig();
    transport.onFrame = (frame) =>
      transport.feed(
        reply(
          MessageType.Nak,
          frame.seq,
          encodeNak({ code: ErrorCode.VersionUnsupported, message: 'v2 only', supportedVersions: [2, 3] }),
        ),
      );
    const result = await link.hello();
    expect(result.ok ? undefined : result.failure).toMatchObject({
      kind: 'protocol-error',
      deviceVersions: [2, 3],
    });
    expect(result.ok ? '' : result.failure.message).toContain('version 2, 3');
  });
});

import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { EncodedClaim } from '../../../src/main/core/device-link/claim-blob.js';
import type { LinkResult } from '../../../src/main/core/device-link/link-outcome.js';
import { sampleClaim } from '../../../sandbox/devices/sample-claim.js';
import { startRig, value } from './link-fixture.js';
import type { LinkRig } from './link-fixture.js';

let rig: LinkRig | undefined;
afterEach(async () => {
  await rig?.dispose();
  rig = undefined;
});

function failureKind<T>(result: LinkResult<T>): string {
  return result.ok ? 'ok' : result.failure.kind;
}

/** Nothing the link emitted or reported may contain claim or key material. */
function expectNoSecrets(
  current: LinkRig,
  claim: ReturnType<typeof sampleClaim>,
  extra: string[] = [],
): void {
  const secretLines = [claim.privateKeyPem, claim.certificatePem]
    .flatMap((pem) => pem.split('\n'))
    .filter((line) => line.length > 20 && !line.startsWith('-----'));
  for (const text of [...current.emitted, ...extra]) {
    for (const secret of secretLines) expect(text).not.toContain(secret);
    expect(text).not.toContain('PRIVATE KEY');
  }
}

describe('device link against a simulated device on a pty', () => {
  it('announces, delivers a claim, provisions, and refuses to overwrite an identity unconfirmed', async () => {
    rig = await startRig({});
    const hello = value(await rig.link.hello());
    expect(hello).toMatchObject({
      serialNumber: 'SIM-TEST-1',
      rxBuffer: 1024,
      modes: ['csr', 'keys'],
      state: 'idle',
    });
    expect(hello.identity).toBeUndefined();
    const claim = sampleClaim(2);
    const encoded = EncodedClaim.encode(claim);
    const delivery = value(await rig.link.deliverClaim(encoded));
    expect(delivery).toMatchObject({ totalBytes: encoded.length, resumedFrom: 0 });
    const stages: string[] = [];
    rig.link.on('progress', (update) => stages.push(update.stageName));
    const result = value(await rig.link.startProvisioning({ mode: 'csr' }));
    expect(result.thingName).toBe('dev_SIM-TEST-1');
    expect(stages).toContain('key-generated');
    expect(stages.at(-1)).toBe('credentials-stored');

    const after = value(await rig.link.hello());
    expect(after.identity).toEqual({ thingName: 'dev_SIM-TEST-1', certificateId: result.certificateId });
    expect(after.heldClaim).toBeUndefined();

    value(await rig.link.deliverClaim(EncodedClaim.encode(claim)));
    const refused = await rig.link.startProvisioning({ mode: 'keys' });
    expect(refused.ok ? undefined : refused.failure).toMatchObject({
      kind: 'rejected',
      codeName: 'IDENTITY_PRESENT',
    });
    value(await rig.link.startProvisioning({ mode: 'keys', replaceIdentity: true }));
    expect(rig.device.counters.overflowBytes).toBe(0);
    expectNoSecrets(rig, claim, [refused.ok ? '' : refused.failure.message]);
  });

  it('captures boot noise and banners as log lines, never as errors', async () => {
    rig = await startRig({ faults: ['boot-noise'] });
    value(await rig.link.hello());
    value(await rig.link.deliverClaim(EncodedClaim.encode(sampleClaim(3))));
    expect(rig.logs.some((line) => line.includes('booting, serial SIM-TEST-1'))).toBe(true);
    expect(rig.logs.some((line) => /\\x[0-9a-f]{2}/.test(line))).toBe(true);
  });

  it('recovers from corrupted frames in both directions by retransmission', async () => {
    rig = await startRig({ faults: ['corrupt-crc', 'small-buffer'], seed: 5 });
    value(await rig.link.hello());
    const claim = EncodedClaim.encode(sampleClaim(4));
    value(await rig.link.deliverClaim(claim));
    value(await rig.link.startProvisioning({ mode: 'keys' }));
    const stats = rig.link.stats;
    const damage =
      rig.device.counters.corruptFramesIn +
      stats.corruptFrames +
      stats.retransmittedRequests +
      stats.retransmittedChunks;
    expect(damage).toBeGreaterThan(0);
    expect(rig.device.counters.overflowBytes).toBe(0);
  });

  it('ignores duplicated frames', async () => {
    rig = await startRig({ faults: ['duplicate-frames'] });
    value(await rig.link.hello());
    value(await rig.link.deliverClaim(EncodedClaim.encode(sampleClaim(5))));
    value(await rig.link.startProvisioning({ mode: 'csr' }));
    expect(rig.link.stats.duplicateFrames).toBeGreaterThan(5);
  });

  it('never overflows a 256-byte receive buffer', async () => {
    rig = await startRig({ faults: ['small-buffer'] });
    expect(value(await rig.link.hello()).rxBuffer).toBe(256);
    const delivery = value(await rig.link.deliverClaim(EncodedClaim.encode(sampleClaim(6))));
    expect(delivery.chunkDataBytes).toBeLessThan(128);
    expect(rig.device.counters.overflowBytes).toBe(0);
  });

  it('works with a slow device (60 ms per frame) without overflow', async () => {
    rig = await startRig({ faults: ['slow', 'small-buffer'] });
    value(await rig.link.hello());
    value(await rig.link.deliverClaim(EncodedClaim.encode(sampleClaim(7))));
    expect(rig.device.counters.overflowBytes).toBe(0);
  });

  it('reports a silent device as no-response', async () => {
    rig = await startRig({ faults: ['silent'] });
    const result = await rig.link.hello();
    expect(failureKind(result)).toBe('no-response');
  });

  it('reports a reboot mid-transfer as device-rebooted', async () => {
    rig = await startRig({ faults: ['reboot-mid-transfer'] });
    value(await rig.link.hello());
    const result = await rig.link.deliverClaim(EncodedClaim.encode(sampleClaim(8)));
    expect(failureKind(result)).toBe('device-rebooted');
    const hello = value(await rig.link.hello());
    expect(hello.heldClaim).toBeUndefined();
  });

  it('reports a reboot mid-provisioning as device-rebooted', async () => {
    rig = await startRig({ faults: ['reboot-mid-provisioning'] });
    value(await rig.link.deliverClaim(EncodedClaim.encode(sampleClaim(9))));
    const result = await rig.link.startProvisioning({ mode: 'keys' });
    expect(failureKind(result)).toBe('device-rebooted');
  });

  it('reports a pulled cable as disconnected and resumes the claim after reconnecting', async () => {
    rig = await startRig({ faults: ['unplug-mid-transfer'] });
    const claim = EncodedClaim.encode(sampleClaim(10));
    const first = await rig.link.deliverClaim(claim);
    expect(failureKind(first)).toBe('disconnected');
    const stationPath = rig.device.info.path;
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(existsSync(stationPath)).toBe(true);
    const link = await rig.reopen();
    const hello = value(await link.hello());
    expect(hello.heldClaim?.claimId).toBe(claim.claimId);
    expect(hello.heldClaim?.bytes).toBeGreaterThan(0);
    const resumed = value(await link.deliverClaim(claim));
    expect(resumed.resumedFrom).toBe(hello.heldClaim?.bytes);
    value(await link.startProvisioning({ mode: 'csr' }));
  });

  it('reports the AWS rejection a device received with its error code', async () => {
    rig = await startRig({ faults: ['reject-provisioning'] });
    value(await rig.link.deliverClaim(EncodedClaim.encode(sampleClaim(11))));
    const result = await rig.link.startProvisioning({ mode: 'csr' });
    expect(result.ok ? undefined : result.failure).toMatchObject({
      kind: 'provisioning-failed',
      codeName: 'REGISTER_REJECTED',
      failure: { aws: { statusCode: 400, errorCode: 'InvalidCertificateOwnershipToken' } },
    });
  });

  it('aborts provisioning, wipes the claim, and guards identity reset by serial number', async () => {
    rig = await startRig({
      provisioner: () =>
        new (class {
          provision(input: { signal: AbortSignal }) {
            return new Promise<never>((_, reject) =>
              input.signal.addEventListener('abort', () => reject(new Error('aborted'))),
            );
          }
        })(),
    });
    value(await rig.link.deliverClaim(EncodedClaim.encode(sampleClaim(12))));
    const running = rig.link.startProvisioning({ mode: 'csr' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    value(await rig.link.abort());
    expect(failureKind(await running)).toBe('aborted');
    expect(value(await rig.link.hello()).heldClaim).toBeUndefined();
    const notYet = await rig.link.startProvisioning({ mode: 'csr' });
    expect(notYet.ok ? undefined : notYet.failure).toMatchObject({ kind: 'rejected', codeName: 'NO_CLAIM' });
    const wrong = await rig.link.resetIdentity('SOMEONE-ELSE');
    expect(wrong.ok ? undefined : wrong.failure).toMatchObject({
      kind: 'rejected',
      codeName: 'SERIAL_MISMATCH',
    });
    value(await rig.link.resetIdentity('SIM-TEST-1'));
    value(await rig.link.wipeClaim());
  });

  it('refuses a second operation while one runs, and reports everything after close as closed', async () => {
    rig = await startRig({});
    const first = rig.link.deliverClaim(EncodedClaim.encode(sampleClaim(13)));
    expect(failureKind(await rig.link.hello())).toBe('busy');
    value(await first);
    await rig.link.close();
    expect(failureKind(await rig.link.hello())).toBe('closed');
  });
});

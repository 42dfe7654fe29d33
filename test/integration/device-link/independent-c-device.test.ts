/**
 * Can a device be written from docs/device-protocol.md ALONE? test/fixtures/independent-device/device.c
 * is a C99 device (static buffers, a 256-byte receive buffer that drops bytes when full) written only
 * from that document (revision 1.1, then brought up to 1.2 from the document's section 12). Here the station's real DeviceLink drives it over a socat pseudo-terminal pair.
 *
 * Honest limit: the C device does NOT run Fleet Provisioning over MQTT. After PROVISION it walks the
 * PROGRESS stages on a timer and reports a STAND-IN result derived from its serial number
 * (fingerprint = SHA-256 of a fixed text naming the serial; certificate id = its hex; thing name
 * `standin-<serial>`). What is proved is the serial protocol, not the AWS step.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceLink, EncodedClaim } from '../../../src/main/core/device-link/index.js';
import type { DeviceClaim, LinkResult, ProgressUpdate } from '../../../src/main/core/device-link/index.js';
import { PtyPair } from '../../../sandbox/devices/pty-pair.js';
import { value } from './link-fixture.js';
import { checkDeviceConformance, checkUnacknowledgedOutcome, RawStation } from './raw-conformance.js';

const source = fileURLToPath(new URL('../../fixtures/independent-device/device.c', import.meta.url));
const hasCc = spawnSync('cc', ['--version'], { stdio: 'ignore' }).status === 0;
const hasSocat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
const skipReason = !hasCc ? 'no C compiler (`cc`) on PATH' : !hasSocat ? 'socat is not installed' : '';
if (skipReason) console.log(`independent C device test skipped: ${skipReason}`);

const SERIAL = 'IND-C-0001';
const BOOT_ID = 0x1234abcd;
const STAGE_MS = 60;
/** The device spends this long on every frame while its UART keeps filling the 256-byte buffer. */
const BUSY_MS = 5;

/** What the C device reports instead of running MQTT (see device.c): a stand-in, not an AWS answer. */
const standInFingerprint = createHash('sha256')
  .update(`STAND-IN certificate (no MQTT was run) for ${SERIAL}`)
  .digest('hex');

function pem(label: string, bodyBytes: number): string {
  const base64 = randomBytes(bodyBytes).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** A ~3 KB claim, shaped like a real one (the device never parses the PEM bodies). */
function makeClaim(
  templateName = 'BenchTemplate',
  expiresAt = Date.now() + 5 * 60_000,
  stationTime = Date.now(),
): EncodedClaim {
  const claim: DeviceClaim = {
    certificatePem: pem('CERTIFICATE', 660),
    privateKeyPem: pem('RSA PRIVATE KEY', 880),
    rootCaPem: pem('CERTIFICATE', 640),
    endpoint: { host: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com', port: 8883 },
    templateName,
    templateParameters: { SerialNumber: SERIAL, Model: 'INDEP-C-1' },
    expiresAt,
  };
  return EncodedClaim.encode(claim, stationTime);
}

function failureOf<T>(result: LinkResult<T>): Extract<LinkResult<T>, { ok: false }>['failure'] {
  if (result.ok) throw new Error('expected a failure, got success');
  return result.failure;
}

describe.skipIf(skipReason !== '')('a device written in C from docs/device-protocol.md alone', () => {
  let dir = '';
  let binary = '';
  let pair: PtyPair | undefined;
  let device: ChildProcess | undefined;
  let link: DeviceLink | undefined;
  const logLines: string[] = [];
  const progress: ProgressUpdate[] = [];
  let deviceStderr = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'independent-device-'));
    binary = join(dir, 'device');
    const build = spawnSync(
      'cc',
      ['-std=c99', '-Wall', '-Wextra', '-pedantic', '-Werror', '-O2', '-o', binary, source],
      {
        encoding: 'utf8',
      },
    );
    if (build.status !== 0) throw new Error(`cc failed:\n${build.stderr}`);
    pair = await PtyPair.create(join(dir, 'station'), join(dir, 'device-end'));
  });

  afterAll(async () => {
    await link?.close();
    if (device && device.exitCode === null) device.kill('SIGTERM');
    await pair?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reproduces the CRC check value, the COBS examples and every example frame of section 10', () => {
    const run = spawnSync(binary, ['--selftest'], { encoding: 'utf8' });
    expect(run.stdout).not.toMatch(/^FAIL /m);
    expect(run.stdout).toContain('selftest passed');
    expect(run.status).toBe(0);
  });

  it('boots with a log banner and an unsolicited HELLO, and answers HELLO_REQUEST with its fields', async () => {
    const opened = await DeviceLink.open(pair!.stationPath, { baudRate: 115200 });
    link = value(opened);
    link.on('log', (line) => logLines.push(line));
    link.on('progress', (update) => progress.push(update));
    const booted = new Promise<number>((resolve) => link!.once('rebooted', (hello) => resolve(hello.bootId)));

    const args = ['--serial', SERIAL, '--boot-id', String(BOOT_ID), '--stage-ms', String(STAGE_MS)];
    device = spawn(binary, [pair!.devicePath, ...args, '--busy-ms', String(BUSY_MS)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    device.stderr?.on('data', (chunk: Buffer) => (deviceStderr += chunk.toString()));
    expect(await booted).toBe(BOOT_ID);

    const hello = value(await link.hello());
    expect(hello).toMatchObject({
      protocolVersion: 1,
      serialNumber: SERIAL,
      model: 'INDEP-C-1',
      hardwareRevision: 'A',
      firmwareVersion: '0.1.0-indep',
      rxBuffer: 256,
      maxClaim: 8192,
      state: 'idle',
      boot: false,
      bootId: BOOT_ID,
    });
    expect([...hello.modes].sort()).toEqual(['csr', 'keys']);
    expect(hello.identity).toBeUndefined();
    expect(hello.heldClaim).toBeUndefined();
    expect(logLines.some((line) => line.includes('written from docs/device-protocol.md alone'))).toBe(true);
    expect(deviceStderr).toBe('');
  });

  it('refuses PROVISION without a claim (NAK NO_CLAIM → rejected)', async () => {
    const failure = failureOf(await link!.startProvisioning({ mode: 'csr' }));
    expect(failure).toMatchObject({ kind: 'rejected', code: 0x0104 });
  });

  it('takes a ~3 KB claim in chunks through its 256-byte buffer and reports it complete', async () => {
    const claim = makeClaim();
    expect(claim.length).toBeGreaterThan(2900);
    const delivery = value(await link!.deliverClaim(claim));
    expect(delivery).toMatchObject({ claimId: claim.claimId, totalBytes: claim.length, resumedFrom: 0 });
    const hello = value(await link!.hello());
    expect(hello.state).toBe('claim-ready');
    expect(hello.heldClaim).toEqual({ claimId: claim.claimId, bytes: claim.length, total: claim.length });
    // The device is busy BUSY_MS per frame while bytes keep arriving, so the station really had more
    // than one chunk in its buffer, yet never more than the 256 bytes announced: nothing was dropped.
    const done = logLines.find((line) => line.includes('claim complete and verified'));
    const highWater = Number(/rx high-water (\d+) of 256/.exec(done ?? '')?.[1]);
    expect(highWater).toBeGreaterThan(128);
    expect(highWater).toBeLessThanOrEqual(256);
    expect(logLines.join('\n')).not.toContain('rx overflow');
    expect(link!.stats.corruptFrames).toBe(0);
    expect(link!.stats.retransmittedChunks).toBe(0);
    claim.wipe();
  });

  it('provisions (STAND-IN for the MQTT step: result derived from the serial) with PROGRESS 1…11', async () => {
    progress.length = 0;
    const result = value(await link!.startProvisioning({ mode: 'csr' }));
    expect(result.thingName).toBe(`standin-${SERIAL}`);
    expect(result.certificateId).toBe(standInFingerprint);
    expect(result.fingerprint.replace(/[^0-9a-f]/gi, '').toLowerCase()).toBe(standInFingerprint);
    // Same-seq PROGRESS repeats are heartbeats (3.2): the station reports each event exactly once.
    expect(progress.map((update) => update.stage)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(link!.stats.staleEvents).toBe(0); // its RESULT named our PROVISION (ProvisionSeq)

    const hello = value(await link!.hello());
    expect(hello.state).toBe('idle');
    expect(hello.heldClaim).toBeUndefined(); // wiped after use
    expect(hello.identity).toEqual({ thingName: `standin-${SERIAL}`, certificateId: standInFingerprint });
  });

  it('needs ReplaceIdentity once provisioned (NAK IDENTITY_PRESENT), and WIPE_CLAIM drops the claim', async () => {
    value(await link!.deliverClaim(makeClaim()));
    expect(failureOf(await link!.startProvisioning({ mode: 'keys' }))).toMatchObject({
      kind: 'rejected',
      code: 0x010b, // IDENTITY_PRESENT
    });
    value(await link!.wipeClaim());
    expect(value(await link!.hello()).heldClaim).toBeUndefined();
    expect(failureOf(await link!.startProvisioning({ mode: 'keys', replaceIdentity: true }))).toMatchObject({
      kind: 'rejected',
      code: 0x0104, // NO_CLAIM
    });
  });

  it('stops provisioning on ABORT: the operation ends aborted and the claim is gone', async () => {
    value(await link!.deliverClaim(makeClaim()));
    progress.length = 0;
    const firstProgress = new Promise<void>((resolve) => link!.once('progress', () => resolve()));
    const provisioning = link!.startProvisioning({ mode: 'keys', replaceIdentity: true });
    await firstProgress;
    value(await link!.abort());
    expect(failureOf(await provisioning).kind).toBe('aborted');
    expect(progress.length).toBeLessThan(10);
    const hello = value(await link!.hello());
    expect(hello.state).toBe('idle');
    expect(hello.heldClaim).toBeUndefined();
  });

  it('reports a FAILURE with AWS fields (stand-in RegisterThing rejection) as provisioning-failed', async () => {
    value(await link!.deliverClaim(makeClaim('standin-reject-register')));
    const failure = failureOf(await link!.startProvisioning({ mode: 'csr', replaceIdentity: true }));
    expect(failure).toMatchObject({
      kind: 'provisioning-failed',
      failure: {
        code: 0x0204,
        stage: 7,
        aws: { statusCode: 400, errorCode: 'InvalidCertificateOwnershipToken' },
      },
    });
    expect(value(await link!.hello()).heldClaim).toBeUndefined();
  });

  it('rolls back to its previous identity on a (stand-in) VERIFY_FAILED, as HELLO then shows (6.1, 3.2)', async () => {
    const before = value(await link!.hello()).identity;
    expect(before).toEqual({ thingName: `standin-${SERIAL}`, certificateId: standInFingerprint });
    value(await link!.deliverClaim(makeClaim('standin-fail-verify')));
    const failure = failureOf(await link!.startProvisioning({ mode: 'keys', replaceIdentity: true }));
    expect(failure).toMatchObject({
      kind: 'provisioning-failed',
      codeName: 'VERIFY_FAILED',
      failure: { code: 0x0207, stage: 10 },
    });
    expect(value(await link!.hello()).identity).toEqual(before);
  });

  it('reports an identity without a thing name (empty ThingName), and the station takes its HELLO (4.2)', async () => {
    value(await link!.deliverClaim(makeClaim('standin-no-thing')));
    const result = value(await link!.startProvisioning({ mode: 'csr', replaceIdentity: true }));
    expect(result.thingName).toBe('');
    expect(value(await link!.hello()).identity).toEqual({ thingName: '', certificateId: standInFingerprint });
  });

  it('wipes a claim when it expires (5.3) and then answers PROVISION with CLAIM_EXPIRED (4.5)', async () => {
    // ExpiresAt is 2 s after StationTime (whole seconds): the device's clock reaches it 2 s after the
    // claim is complete, and this device wipes it on its own timer, remembering why.
    const stationTime = Date.now();
    const expiresAt = Math.floor(stationTime / 1000) * 1000 + 2000;
    value(await link!.deliverClaim(makeClaim('BenchTemplate', expiresAt, stationTime)));
    // (Log text reaches the station with the next frame, so ask for HELLOs until the claim is gone.)
    const deadline = Date.now() + 5000;
    while (value(await link!.hello()).heldClaim && Date.now() < deadline) await sleep(200);
    expect(value(await link!.hello()).heldClaim).toBeUndefined();
    expect(logLines.some((line) => line.includes('claim wiped (expired)'))).toBe(true);
    expect(failureOf(await link!.startProvisioning({ mode: 'csr', replaceIdentity: true }))).toMatchObject({
      kind: 'rejected',
      code: 0x0109,
      codeName: 'CLAIM_EXPIRED',
    });
    value(await link!.wipeClaim());
  });

  it('erases its identity only for its own serial number (SERIAL_MISMATCH otherwise)', async () => {
    expect(failureOf(await link!.resetIdentity('SOMEONE-ELSE'))).toMatchObject({
      kind: 'rejected',
      code: 0x010c, // SERIAL_MISMATCH
    });
    value(await link!.resetIdentity(SERIAL));
    expect(value(await link!.hello()).identity).toBeUndefined();
  });

  it('answers raw requests as the document says, exactly like the reference device (3.1-5.4)', async () => {
    await link!.close();
    const station = await RawStation.open(pair!.stationPath);
    try {
      await checkDeviceConformance(station, SERIAL);
      await checkUnacknowledgedOutcome(station, SERIAL);
    } finally {
      await station.close();
    }
    link = value(await DeviceLink.open(pair!.stationPath, { baudRate: 115200 }));
    link.on('log', (line) => logLines.push(line));
    expect(value(await link.hello()).state).toBe('idle');
  });

  it('kept claim material out of its log text and never rebooted or garbled a frame', () => {
    const all = logLines.join('\n');
    expect(all).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    // The device's 256-byte buffer never overflowed: the station kept its flow-control rules (3.3).
    expect(all).not.toContain('rx overflow');
    expect(link!.stats.corruptFrames).toBe(0);
    expect(device!.exitCode).toBeNull();
  });
});

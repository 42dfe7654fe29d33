import { inspect } from 'node:util';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  amazonRootCaPem,
  ClaimManager,
  ClaimRequestRefusedError,
  ClaimTooCloseToExpiryError,
  ClaimWipedError,
  type ClaimLease,
  type ClaimManagerOptions,
} from '../../../src/main/core/claims/index.js';
import { decodeClaimBlob } from '../../../src/main/core/device-link/claim-blob.js';
import { StationError } from '../../../src/main/core/station-error.js';
import { ManualClock } from '../../support/manual-clock.js';
import {
  claimAnswer,
  FakeClaimSource,
  newKeyMaterial,
  secretFragments,
  secretsOf,
  type KeyMaterial,
} from './claim-fixtures.js';

const TEMPLATE = 'TrustedUserProvisioningTemplate';
const endpoint = { host: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com', port: 8883 };
let rsaKey: KeyMaterial;
let rootCaPem: string;

beforeAll(async () => {
  rsaKey = await newKeyMaterial('rsa');
  rootCaPem = amazonRootCaPem();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function setup(options: Partial<ClaimManagerOptions> = {}) {
  const clock = new ManualClock();
  const source = new FakeClaimSource();
  const lines: string[] = [];
  const manager = new ClaimManager({
    source,
    clock,
    endpoint,
    rootCaPem,
    log: (line) => lines.push(line),
    ...options,
  });
  /** Queues a fresh claim valid `validForMs` from now and returns a copy of its secrets. */
  const queue = async (validForMs = 300_000, material = rsaKey) => {
    const answer = await claimAnswer(material, clock.now(), validForMs);
    source.answers.push(answer);
    return { answer, ...secretsOf(answer) };
  };
  const request = (runId = 'run-1', templateParameters: Record<string, string> = { SerialNumber: 'SN-1' }) =>
    manager.request({ runId, templateName: TEMPLATE, templateParameters });
  return { clock, source, lines, manager, queue, request };
}

function isZero(bytes: Buffer): boolean {
  return bytes.every((byte) => byte === 0);
}

describe('ClaimManager.request', () => {
  it('encodes the claim AWS issued, with the endpoint, root CA, template and parameters, for this run', async () => {
    const { clock, source, manager, queue, request } = setup();
    const { answer, certificatePem, privateKeyPem } = await queue();
    const lease = await request('run-1', { SerialNumber: 'SN-1', Model: 'thermostat-2' });

    expect(source.calls.map((call) => call.templateName)).toEqual([TEMPLATE]);
    expect(lease.runId).toBe('run-1');
    expect(lease.certificateId).toMatch(/^[0-9a-f]{64}$/);
    expect(lease.expiresAt).toBe(answer.expiration.getTime());
    expect(lease.remainingMs()).toBe(lease.expiresAt - clock.now());
    expect(lease.wiped).toBe(false);
    expect(manager.outstanding()).toBe(1);

    const encoded = lease.forDelivery();
    expect(lease.forDelivery()).toBe(encoded);
    expect(lease.claimId).toBe(encoded.claimId);
    const decoded = decodeClaimBlob(encoded.bytes);
    expect(decoded).toEqual({
      ok: true,
      claim: {
        certificatePem,
        privateKeyPem,
        rootCaPem,
        endpoint,
        templateName: TEMPLATE,
        templateParameters: { SerialNumber: 'SN-1', Model: 'thermostat-2' },
        expiresAt: lease.expiresAt,
        stationTime: Math.floor(clock.now() / 1000) * 1000,
      },
    });
  });

  it('keeps no string of the answer: the SDK object loses its PEMs, the lease shows ids only', async () => {
    const { queue, request } = setup();
    const { answer, certificatePem, privateKeyPem } = await queue();
    const lease = await request();

    expect(answer.certificatePem).toBeUndefined();
    expect(answer.keyPair.PrivateKey).toBeUndefined();
    expect(answer.keyPair.PublicKey).toBeUndefined();
    expect(answer.certificateId).toBe(lease.certificateId);
    expect(JSON.parse(JSON.stringify(lease))).toEqual({
      runId: lease.runId,
      claimId: lease.claimId,
      certificateId: lease.certificateId,
      expiresAt: lease.expiresAt,
    });
    const shown = `${inspect(lease, { depth: 10, showHidden: true })}${String(lease)}`;
    for (const fragment of secretFragments([certificatePem, privateKeyPem])) {
      expect(shown).not.toContain(fragment);
    }
  });

  it('zeroes every buffer it made from the key and certificate, keeping only the encoded claim', async () => {
    const { queue, request } = setup();
    const { privateKeyPem, certificatePem } = await queue();
    const from = vi.spyOn(Buffer, 'from');
    const concat = vi.spyOn(Buffer, 'concat');
    const lease = await request();
    const made = [...from.mock.results, ...concat.mock.results]
      .map((result) => result.value as unknown)
      .filter((value): value is Buffer => Buffer.isBuffer(value));
    vi.restoreAllMocks();
    const { bytes } = lease.forDelivery();
    const outsideLease = made.filter(
      (buffer) =>
        buffer.buffer !== bytes.buffer ||
        buffer.byteOffset + buffer.length <= bytes.byteOffset ||
        buffer.byteOffset >= bytes.byteOffset + bytes.length,
    );

    // The check has teeth: the key PEM was turned into Buffers (to parse and to encode it)...
    const keyBuffers = outsideLease.filter((buffer) => buffer.length === Buffer.byteLength(privateKeyPem));
    expect(keyBuffers.length).toBeGreaterThanOrEqual(2);
    // ...and every one of them, like every other buffer made, no longer holds claim material.
    const fragments = secretFragments([privateKeyPem, certificatePem], 16);
    for (const buffer of outsideLease) {
      const text = buffer.toString('latin1');
      expect(fragments.some((fragment) => text.includes(fragment))).toBe(false);
    }
    expect(keyBuffers.every(isZero)).toBe(true);
    expect(bytes.toString('latin1')).toContain(fragments[0]);
  });

  it('asks for a claim on every call: two runs never share one', async () => {
    const { source, manager, queue, request } = setup();
    await queue();
    await queue();
    const [first, second] = await Promise.all([request('run-A'), request('run-B')]);
    expect(source.calls).toHaveLength(2);
    expect(first?.runId).toBe('run-A');
    expect(second?.runId).toBe('run-B');
    expect(first?.certificateId).not.toBe(second?.certificateId);
    expect(first?.claimId).not.toBe(second?.claimId);
    expect(manager.outstanding()).toBe(2);
  });

  it('refuses a claim certificate it has already handed out, even to another run', async () => {
    const { source, manager, queue, request } = setup();
    const { answer, certificatePem, privateKeyPem } = await queue();
    const first = await request('run-A');
    // A caching or replaying source gives the same claim again.
    source.answers.push({
      ...answer,
      certificatePem,
      keyPair: { PublicKey: '', PrivateKey: privateKeyPem },
    });
    const error = await request('run-B').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ClaimRequestRefusedError);
    expect((error as Error).message).toContain(first.certificateId);
    expect(manager.outstanding()).toBe(1);
    // Still refused once the first lease is gone: the id is remembered until the claim expires.
    first.wipe();
    source.answers.push({ ...answer, certificatePem, keyPair: { PrivateKey: privateKeyPem } });
    await expect(request('run-B')).rejects.toBeInstanceOf(ClaimRequestRefusedError);
  });

  it('gives a run one claim at a time; after a wipe the run may have a fresh one', async () => {
    const { source, queue, request } = setup();
    await queue();
    await queue();
    const first = await request('run-A');
    await expect(request('run-A')).rejects.toBeInstanceOf(ClaimRequestRefusedError);
    expect(source.calls).toHaveLength(1);
    first.wipe();
    const second = await request('run-A');
    expect(second.certificateId).not.toBe(first.certificateId);
    expect(source.calls).toHaveLength(2);
  });

  it('refuses a second request for a run whose first is still in flight', async () => {
    const { source, queue, request } = setup();
    const { answer } = await queue();
    let release!: () => void;
    source.answers.length = 0;
    source.answers.push(() => new Promise((resolve) => (release = () => resolve(answer))));
    const pending = request('run-A');
    await expect(request('run-A')).rejects.toBeInstanceOf(ClaimRequestRefusedError);
    release();
    await expect(pending).resolves.toMatchObject({ runId: 'run-A' });
  });

  it('passes source errors through unchanged, logs their name, and frees the run', async () => {
    const { source, lines, manager, queue, request } = setup();
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    source.answers.push(() => Promise.reject(throttled));
    await expect(request('run-A')).rejects.toBe(throttled);
    expect(lines).toEqual([
      'claim for run run-A: CreateProvisioningClaim failed: ThrottlingException: Rate exceeded',
    ]);
    expect(manager.outstanding()).toBe(0);
    await queue();
    await expect(request('run-A')).resolves.toMatchObject({ runId: 'run-A' });
  });

  it('does not call the source for an aborted request, and discards a claim that arrives after abort', async () => {
    const { source, manager, queue } = setup();
    const aborted = new AbortController();
    aborted.abort(new Error('operator cancelled'));
    await expect(
      manager.request({ runId: 'run-A', templateName: TEMPLATE, templateParameters: {} }, aborted.signal),
    ).rejects.toThrow('operator cancelled');
    expect(source.calls).toHaveLength(0);

    const { answer } = await queue();
    const controller = new AbortController();
    source.answers.length = 0;
    source.answers.push(async () => {
      controller.abort(new Error('device unplugged'));
      return answer;
    });
    await expect(
      manager.request({ runId: 'run-A', templateName: TEMPLATE, templateParameters: {} }, controller.signal),
    ).rejects.toThrow('device unplugged');
    expect(source.calls[0]?.signal).toBe(controller.signal);
    expect(manager.outstanding()).toBe(0);
    expect(answer.keyPair.PrivateKey).toBeUndefined();
  });

  it('validates the template name and parameters before asking AWS for a claim', async () => {
    const { source, manager } = setup();
    const cases: [string, Record<string, string>][] = [
      ['bad name!', {}],
      [TEMPLATE, { '': 'x' }],
      [TEMPLATE, { ['K'.repeat(2049)]: 'x' }],
      [TEMPLATE, { Serial: 'v'.repeat(4097) }],
      [TEMPLATE, { Serial: 'a\0b' }],
    ];
    const messages: string[] = [];
    for (const [templateName, templateParameters] of cases) {
      const error = await manager
        .request({ runId: 'run-A', templateName, templateParameters })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ClaimRequestRefusedError);
      expect((error as Error).message).not.toContain('vvvv');
      messages.push((error as Error).message);
    }
    await expect(
      manager.request({ runId: 'has space', templateName: TEMPLATE, templateParameters: {} }),
    ).rejects.toThrow(ClaimRequestRefusedError);
    expect(source.calls).toHaveLength(0);
    expect(messages[0]).toContain('template name for run run-A');
    expect(messages[1]).toContain('(empty name)');
    expect(messages[3]).toMatch(/\(Serial: [^)]+\)/);
  });

  it('accepts the longest parameters the device claim allows', async () => {
    const { queue, request } = setup();
    await queue();
    const parameters = { ['K'.repeat(2048)]: 'v'.repeat(4096) };
    const lease = await request('run-A', parameters);
    const decoded = decodeClaimBlob(lease.forDelivery().bytes);
    expect(decoded.ok && decoded.claim.templateParameters).toEqual(parameters);
  });

  it('logs ids and times only', async () => {
    const { clock, lines, queue, request } = setup();
    const { certificatePem, privateKeyPem } = await queue();
    const lease = await request('run-A', { SerialNumber: 'SECRETISH-VALUE-123' });
    lease.forDelivery();
    lease.wipe();
    await queue();
    const expiring = await request('run-B');
    clock.advance(300_000);
    expect(expiring.wiped).toBe(true);
    expect(lines).toEqual([
      `claim ${lease.claimId} for run run-A: certificate ${lease.certificateId}, 300 s left`,
      `claim ${lease.claimId} of run run-A wiped (released)`,
      `claim ${expiring.claimId} for run run-B: certificate ${expiring.certificateId}, 300 s left`,
      `claim ${expiring.claimId} of run run-B wiped (expired)`,
    ]);
    const text = lines.join('\n');
    expect(text).not.toContain('SECRETISH');
    for (const fragment of secretFragments([certificatePem, privateKeyPem]))
      expect(text).not.toContain(fragment);
  });

  it('checks its options', () => {
    const clock = new ManualClock();
    const source = new FakeClaimSource();
    expect(() => new ClaimManager({ source, clock, endpoint, rootCaPem: 'not a pem' })).toThrow(/rootCaPem/);
    expect(
      () =>
        new ClaimManager({
          source,
          clock,
          endpoint,
          rootCaPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
        }),
    ).toThrow(/does not parse/);
    expect(() => new ClaimManager({ source, clock, endpoint: { host: '', port: 8883 }, rootCaPem })).toThrow(
      /endpoint/,
    );
    expect(() => new ClaimManager({ source, clock, endpoint: { host: 'h', port: 0 }, rootCaPem })).toThrow(
      /endpoint/,
    );
    expect(() => new ClaimManager({ source, clock, endpoint, rootCaPem, minValidityMs: -1 })).toThrow(
      /minValidityMs/,
    );
  });
});

describe('ClaimLease.wipe and ClaimManager.wipeAll', () => {
  it('wipe zeroes the encoded claim, is idempotent, and the lease refuses delivery afterwards', async () => {
    const { clock, manager, queue, request } = setup();
    await queue();
    const lease = await request();
    const encoded = lease.forDelivery();
    expect(isZero(encoded.bytes)).toBe(false);
    lease.wipe();
    expect(isZero(encoded.bytes)).toBe(true);
    expect(lease.wiped).toBe(true);
    expect(manager.outstanding()).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    lease.wipe();
    expect(manager.outstanding()).toBe(0);
    const error = (() => {
      try {
        lease.forDelivery();
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ClaimWipedError);
    expect(error).toBeInstanceOf(StationError);
    expect((error as Error).message).toContain(lease.claimId);
  });

  it('wipeAll zeroes every outstanding claim', async () => {
    const { manager, queue, request } = setup();
    const leases: ClaimLease[] = [];
    for (const runId of ['run-A', 'run-B', 'run-C']) {
      await queue();
      leases.push(await request(runId));
    }
    const bytes = leases.map((lease) => lease.forDelivery().bytes);
    leases[1]?.wipe();
    expect(manager.outstanding()).toBe(2);
    manager.wipeAll();
    expect(manager.outstanding()).toBe(0);
    expect(leases.every((lease) => lease.wiped)).toBe(true);
    expect(bytes.every(isZero)).toBe(true);
    manager.wipeAll();
  });

  it('wipeAll also discards a claim still being requested, so none survives a sign-out', async () => {
    const { source, manager, queue, request } = setup();
    const { answer } = await queue();
    source.answers.length = 0;
    let release!: () => void;
    source.answers.push(() => new Promise((resolve) => (release = () => resolve(answer))));
    const pending = request('run-A');
    manager.wipeAll();
    release();
    await expect(pending).rejects.toBeInstanceOf(ClaimRequestRefusedError);
    expect(manager.outstanding()).toBe(0);
    expect(answer.keyPair.PrivateKey).toBeUndefined();
    // New claims are fine after the wipe (the operator signed in again).
    await queue();
    await expect(request('run-A')).resolves.toMatchObject({ runId: 'run-A' });
  });

  it('a claim wipes itself when it expires, should its owner forget', async () => {
    const { clock, manager, queue, request } = setup();
    await queue(300_000);
    const lease = await request();
    const { bytes } = lease.forDelivery();
    clock.advance(299_999);
    expect(lease.wiped).toBe(false);
    clock.advance(1);
    expect(lease.wiped).toBe(true);
    expect(isZero(bytes)).toBe(true);
    expect(manager.outstanding()).toBe(0);
  });
});

describe('minimum validity', () => {
  it('delivers with at least 60 s left, refuses and wipes below it, on the injected clock', async () => {
    const { clock, manager, queue, request } = setup();
    await queue(300_000);
    const lease = await request();
    const encoded = lease.forDelivery();
    clock.advance(240_000);
    expect(lease.remainingMs()).toBe(60_000);
    expect(lease.forDelivery()).toBe(encoded);
    clock.advance(1);
    let error: unknown;
    try {
      lease.forDelivery();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ClaimTooCloseToExpiryError);
    expect(error).toBeInstanceOf(StationError);
    expect(error).toMatchObject({
      code: 'CLAIM_TOO_CLOSE_TO_EXPIRY',
      remainingMs: 59_999,
      minValidityMs: 60_000,
    });
    expect((error as Error).message).toMatch(/59 s left, less than the 60 s/);
    expect(lease.wiped).toBe(true);
    expect(isZero(encoded.bytes)).toBe(true);
    expect(manager.outstanding()).toBe(0);
    // Asked again, the answer is the same, not "wiped".
    expect(() => lease.forDelivery()).toThrow(ClaimTooCloseToExpiryError);
  });

  it('honours a configured minimum', async () => {
    const { clock, queue, request } = setup({ minValidityMs: 200_000 });
    await queue(300_000);
    const lease = await request();
    clock.advance(100_000);
    expect(() => lease.forDelivery()).not.toThrow();
    clock.advance(1_000);
    expect(() => lease.forDelivery()).toThrow(ClaimTooCloseToExpiryError);
  });

  it('refuses at once a claim that arrives with less than the minimum left', async () => {
    const { clock, lines, manager, queue, request } = setup();
    await queue(45_000);
    const error = await request().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ClaimTooCloseToExpiryError);
    expect((error as Error).message).toMatch(/only 45 s left .* station's clock is probably ahead/);
    expect(manager.outstanding()).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect(lines).toEqual([]);
  });

  it('with a minimum of 0, delivers until the last millisecond', async () => {
    const { clock, queue, request } = setup({ minValidityMs: 0 });
    await queue(300_000);
    const lease = await request();
    clock.advance(299_000);
    expect(() => lease.forDelivery()).not.toThrow();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFinal, preferredMode, transition } from '../../../src/main/core/provisioning/run-machine.js';
import {
  runPhases,
  slotPhases,
  timedPhases,
  type HeldIdentity,
  type ProvisionedIdentity,
  type RunEvent,
  type RunPhase,
  type RunState,
} from '../../../src/main/core/provisioning/run-state.js';
import { deviceFacts, newIdentity, oldIdentity, Run } from './run-fixtures.js';

const otherIdentity: ProvisionedIdentity = {
  thingName: 'thing-elsewhere',
  certificateId: 'e'.repeat(64),
  fingerprint: 'e'.repeat(64),
};
const identities = {
  none: null,
  old: oldIdentity,
  new: { thingName: newIdentity.thingName, certificateId: newIdentity.certificateId },
  other: { thingName: otherIdentity.thingName, certificateId: otherIdentity.certificateId },
} satisfies Record<string, HeldIdentity | null>;

const eventKinds = [
  'handshake-started',
  'hello',
  'confirm-reprovision',
  'slot-granted',
  'claim-issued',
  'claim-delivered',
  'progress',
  'provisioned',
  'verified',
  'retired',
  'step-failed',
  'timeout',
  'device-lost',
  'device-returned',
  'retry',
  'cancel',
  'recover',
] as const satisfies readonly RunEvent['type'][];
type EventKind = (typeof eventKinds)[number];

/** What the happy path does next in each phase; random steps mix the other events in. */
const nextOf: Record<RunPhase, EventKind> = {
  detected: 'handshake-started',
  handshake: 'hello',
  'needs-confirmation': 'confirm-reprovision',
  queued: 'slot-granted',
  claim: 'claim-issued',
  delivery: 'claim-delivered',
  provisioning: 'provisioned',
  verification: 'verified',
  recovering: 'verified',
  retiring: 'retired',
  unplugged: 'device-returned',
  failed: 'retry',
  done: 'handshake-started',
  cancelled: 'handshake-started',
};

interface Step {
  kind: EventKind | 'next';
  /** Offset from the run's phaseSeq: mostly current, sometimes stale or from the future. */
  seqOffset: number;
  identity: keyof typeof identities;
  result: 'new' | 'old' | 'other';
  modes: ('keys' | 'csr')[];
  outcome: 'retired' | 'left-for-admin';
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.oneof(
    { weight: 12, arbitrary: fc.constant('next' as const) },
    { weight: 6, arbitrary: fc.constantFrom(...eventKinds.filter((kind) => kind !== 'cancel')) },
    // Failures and restarts are what the properties are about: more of them than chance gives.
    { weight: 4, arbitrary: fc.constantFrom('step-failed' as const, 'timeout' as const) },
    { weight: 2, arbitrary: fc.constant('recover' as const) },
    // Cancel ends a run for good; keep it rare so sequences reach the later phases.
    { weight: 1, arbitrary: fc.constant('cancel' as const) },
  ),
  seqOffset: fc.oneof(
    { weight: 8, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.constantFrom(-2, -1, 1) },
  ),
  identity: fc.constantFrom('none', 'none', 'old', 'new', 'other'),
  result: fc.constantFrom('new', 'new', 'old', 'other'),
  modes: fc.constantFrom<('keys' | 'csr')[]>(['keys', 'csr'], ['csr'], ['keys']),
  outcome: fc.constantFrom('retired', 'left-for-admin'),
});

function eventFor(run: Run, step: Step): RunEvent {
  const kind = step.kind === 'next' ? nextOf[run.phase] : step.kind;
  const seq = run.seq + step.seqOffset;
  const results = {
    new: newIdentity,
    old: { ...oldIdentity, fingerprint: oldIdentity.certificateId },
    other: otherIdentity,
  };
  switch (kind) {
    case 'handshake-started':
      return run.handshakeStarted();
    case 'hello':
      return run.hello(identities[step.identity], deviceFacts({ modes: step.modes }), seq);
    case 'confirm-reprovision':
      return run.confirm();
    case 'slot-granted':
      return run.slotGranted();
    case 'claim-issued':
      return run.claimIssued(seq);
    case 'claim-delivered':
      return run.claimDelivered(seq);
    case 'progress':
      return run.progress(3, seq);
    case 'provisioned':
      return run.provisioned(results[step.result], seq);
    case 'verified':
      return run.verified([], seq);
    case 'retired':
      return run.retired(step.outcome, step.outcome === 'left-for-admin' ? 'not allowed' : null, seq);
    case 'step-failed':
      return run.stepFailed(undefined, seq);
    case 'timeout':
      return run.timeout(seq);
    case 'device-lost':
      return run.deviceLost();
    case 'device-returned':
      return run.deviceReturned();
    case 'retry':
      return run.retry();
    case 'cancel':
      return run.cancel();
    case 'recover':
      return run.recover();
  }
}

/** What the test remembers of a run beyond its state. */
interface Model {
  /** The identity the last applied HELLO announced (undefined before the first). */
  lastHello: HeldIdentity | null | undefined;
  /** The last applied HELLO named an identity this run may have made (after PROVISION was sent). */
  lastHelloWasOwn: boolean;
}

const cleanupPhases: readonly RunPhase[] = ['claim', 'delivery', 'provisioning'];
const visited = new Set<RunPhase>();
const seenEffects = new Set<string>();
/** Situations the properties are about; each must come up, or the generator is too tame. */
const seen = { lostResultHello: 0, recoveredHello: 0, registryRetry: 0, reprovisioned: 0, secondRestart: 0 };

function checkStep(prev: RunState, event: RunEvent, model: Model): RunState {
  const t = transition(prev, event);
  const next = t.state;
  const types = t.effects.map((effect) => effect.type);
  const count = (type: string) => types.filter((x) => x === type).length;
  visited.add(next.phase);
  for (const type of types) seenEffects.add(type);

  // Only known phases; everything journaled as plain JSON.
  expect(runPhases).toContain(next.phase);
  expect(JSON.parse(JSON.stringify(next))).toEqual(next);

  // A result from another phase never applies.
  if ('phaseSeq' in event && event.phaseSeq !== prev.phaseSeq) expect(t.applied).toBe(false);

  if (!t.applied) {
    expect(next).toBe(prev);
    expect(t.effects).toEqual([]);
    return prev;
  }
  expect(isFinal(prev.phase)).toBe(false);

  // Every event but progress starts a new phase (a second restart re-enters `recovering`).
  const entered = event.type !== 'progress';
  if (entered) {
    expect(next.phaseSeq).toBe(prev.phaseSeq + 1);
    if (next.phase === prev.phase) {
      expect(next.phase).toBe('recovering');
      seen.secondRestart += 1;
    }
  } else {
    expect(next.phase).toBe(prev.phase);
    expect(next.phaseSeq).toBe(prev.phaseSeq);
    expect(t.effects).toEqual([]);
  }

  // A step timeout is armed on entering a timed phase, once, for that phase.
  const armed = t.effects.filter((effect) => effect.type === 'arm-timeout');
  if (entered && timedPhases.includes(next.phase)) {
    expect(armed).toEqual([{ type: 'arm-timeout', phase: next.phase, phaseSeq: next.phaseSeq }]);
  } else {
    expect(armed).toEqual([]);
  }

  // Never provision without a confirmation when the device announced an identity, and never twice.
  for (const effect of t.effects) {
    if (effect.type !== 'start-provisioning') continue;
    expect(prev.phase).toBe('delivery');
    expect(event.type).toBe('claim-delivered');
    expect(prev.reprovisionConfirmed || model.lastHello === null).toBe(true);
    expect(model.lastHelloWasOwn).toBe(false);
    expect(effect.replaceIdentity).toBe(prev.reprovisionConfirmed);
    expect(effect.mode).toBe(preferredMode(prev.device?.modes ?? []));
    // The station's claim copy goes before the device is told to use it.
    expect(types.indexOf('wipe-claim')).toBeGreaterThanOrEqual(0);
    expect(types.indexOf('wipe-claim')).toBeLessThan(types.indexOf('start-provisioning'));
  }

  // Leaving early cleans up after the phase it left.
  if (next.phase === 'failed' || next.phase === 'cancelled') {
    expect(count('wipe-claim')).toBe(cleanupPhases.includes(prev.phase) ? 1 : 0);
    expect(count('abort-device')).toBe(prev.phase === 'delivery' || prev.phase === 'provisioning' ? 1 : 0);
  }
  if (slotPhases.includes(prev.phase) && !slotPhases.includes(next.phase))
    expect(count('release-slot')).toBe(1);
  expect(count('release-slot')).toBeLessThanOrEqual(1);
  if (next.phase === 'failed') {
    expect(next.failure?.phase).toBe(prev.phase);
    expect(next.failure?.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
  }
  const settled = next.phase === 'done' || next.phase === 'failed' || next.phase === 'cancelled';
  expect(count('write-audit')).toBe(settled ? 1 : 0);
  expect(next.finishedAt !== null).toBe(settled);
  if (next.phase === 'done') expect(next.result).not.toBeNull();

  // The identity to replace is the first one seen and never changes; only it is ever retired.
  if (prev.heldIdentity) expect(next.heldIdentity).toEqual(prev.heldIdentity);
  for (const effect of t.effects) {
    if (effect.type === 'retire') {
      seen.reprovisioned += 1;
      expect(next.reprovisionConfirmed).toBe(true);
      expect(effect).toEqual({ type: 'retire', ...next.heldIdentity });
    }
    if (effect.type === 'verify') expect(effect.expected).toEqual(next.result);
  }
  if (next.phase === 'done' && next.replaced)
    expect(next.replaced.certificateId).toBe(prev.heldIdentity?.certificateId);

  // Pulling the cable mid-claim fails the run (the claim is gone); earlier, the run just waits.
  if (event.type === 'device-lost') {
    if (cleanupPhases.includes(prev.phase)) expect(next.failure?.code).toBe('DEVICE_UNPLUGGED');
    else expect(next.phase).toBe('unplugged');
  }

  // Once the device reported its identity, a registry failure is retried in the registry.
  if (
    event.type === 'retry' &&
    prev.result &&
    ['verification', 'retiring', 'recovering'].includes(prev.failure?.phase ?? '')
  ) {
    if (prev.failure?.phase === 'recovering') seen.registryRetry += 1;
    expect(next.phase).toBe('verification');
    expect(types).toEqual(['verify', 'arm-timeout']);
  }

  if (event.type === 'hello') {
    model.lastHello = event.identity;
    model.lastHelloWasOwn =
      event.identity !== null &&
      event.identity.certificateId !== prev.heldIdentity?.certificateId &&
      (prev.provisionStarted || prev.recovering);
    if (model.lastHelloWasOwn) {
      expect(next.phase).toBe('verification');
      if (prev.recovering) seen.recoveredHello += 1;
      else seen.lostResultHello += 1;
    }
  }
  return next;
}

describe('the run machine under random event sequences', () => {
  it('keeps its invariants', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 80, size: 'max' }), (steps) => {
        const run = new Run();
        const model: Model = { lastHello: undefined, lastHelloWasOwn: false };
        for (const step of steps) {
          const event = eventFor(run, step);
          run.state = checkStep(run.state, event, model);
        }
      }),
      { numRuns: 1000 },
    );
    // The generator must reach every phase, effect and tricky situation, or the properties prove little.
    for (const [situation, count] of Object.entries(seen)) expect(count, situation).toBeGreaterThan(0);
    expect([...visited].sort()).toEqual([...runPhases].sort());
    expect([...seenEffects].sort()).toEqual(
      [
        'abort-device',
        'arm-timeout',
        'deliver-claim',
        'hello',
        'release-slot',
        'request-claim',
        'request-slot',
        'retire',
        'start-provisioning',
        'verify',
        'wipe-claim',
        'write-audit',
      ].sort(),
    );
  });
});

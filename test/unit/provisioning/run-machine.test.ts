import { describe, expect, it } from 'vitest';
import {
  isActive,
  isFinal,
  preferredMode,
  transition,
} from '../../../src/main/core/provisioning/run-machine.js';
import {
  runPhases,
  slotPhases,
  timedPhases,
  type RunEffect,
  type RunEvent,
  type RunPhase,
} from '../../../src/main/core/provisioning/run-state.js';
import {
  deviceFacts,
  effectTypes,
  newIdentity,
  oldIdentity,
  Run,
  runIn,
  stepFailure,
  T0,
} from './run-fixtures.js';

const arm = (phase: RunPhase, phaseSeq: number): RunEffect => ({ type: 'arm-timeout', phase, phaseSeq });

describe('the happy path', () => {
  it('goes detected → handshake → queued → claim → delivery → provisioning → verification → done with the exact effects', () => {
    const run = new Run();
    expect(run.state).toMatchObject({ phase: 'detected', phaseSeq: 0, attempt: 1, startedAt: T0 });

    let t = run.must(run.handshakeStarted());
    expect(run.phase).toBe('handshake');
    expect(t.effects).toEqual([{ type: 'hello' }, arm('handshake', 1)]);

    t = run.must(run.hello(null));
    expect(run.phase).toBe('queued');
    expect(t.effects).toEqual([{ type: 'request-slot' }]);
    expect(run.state.device).toEqual(deviceFacts());
    expect(run.state.heldIdentity).toBeNull();

    t = run.must(run.slotGranted());
    expect(run.phase).toBe('claim');
    expect(t.effects).toEqual([{ type: 'request-claim' }, arm('claim', 3)]);

    t = run.must(run.claimIssued());
    expect(run.phase).toBe('delivery');
    expect(t.effects).toEqual([{ type: 'deliver-claim' }, arm('delivery', 4)]);
    expect(run.state.claim).toMatchObject({ claimId: 'claim-1' });

    t = run.must(run.claimDelivered());
    expect(run.phase).toBe('provisioning');
    expect(t.effects).toEqual([
      { type: 'wipe-claim' },
      { type: 'start-provisioning', mode: 'csr', replaceIdentity: false },
      arm('provisioning', 5),
    ]);
    expect(run.state).toMatchObject({ mode: 'csr', provisionStarted: true });

    t = run.must(run.progress(3));
    expect(t.effects).toEqual([]);
    expect(run.state).toMatchObject({ phase: 'provisioning', phaseSeq: 5 });
    expect(run.state.progress).toEqual({ stage: 3, stageName: 'REGISTER_THING', detail: null });

    t = run.must(run.provisioned(newIdentity));
    expect(run.phase).toBe('verification');
    expect(t.effects).toEqual([{ type: 'verify', expected: newIdentity }, arm('verification', 6)]);
    expect(run.state.result).toEqual(newIdentity);

    t = run.must(run.verified(['d'.repeat(64)]));
    expect(run.phase).toBe('done');
    expect(t.effects).toEqual([{ type: 'release-slot' }, { type: 'write-audit' }]);
    expect(run.state).toMatchObject({
      phaseSeq: 7,
      finishedAt: run.now,
      otherCertificateIds: ['d'.repeat(64)],
      failure: null,
      replaced: null,
      recoveredResult: false,
    });
  });

  it('prefers CSR mode when the device offers it and uses keys mode only when it does not', () => {
    expect(preferredMode(['keys', 'csr'])).toBe('csr');
    expect(preferredMode(['csr'])).toBe('csr');
    expect(preferredMode(['keys'])).toBe('keys');

    const keysOnly = runIn('delivery', { modes: ['keys'] });
    const t = keysOnly.must(keysOnly.claimDelivered());
    expect(t.effects).toContainEqual({ type: 'start-provisioning', mode: 'keys', replaceIdentity: false });
    expect(keysOnly.state.mode).toBe('keys');
  });

  it('arms a timeout on entering every timed phase and on no other', () => {
    const run = runIn('done');
    for (const t of run.transitions) {
      const armed = t.effects.filter((effect) => effect.type === 'arm-timeout');
      if (timedPhases.includes(t.state.phase)) {
        expect(armed).toEqual([arm(t.state.phase, t.state.phaseSeq)]);
      } else {
        expect(armed).toEqual([]);
      }
    }
    expect(new Set(run.transitions.map((t) => t.state.phase))).toEqual(
      new Set(['handshake', 'queued', 'claim', 'delivery', 'provisioning', 'verification', 'done']),
    );
  });

  it('keeps done and cancelled final: every later event is ignored', () => {
    expect(isFinal('done')).toBe(true);
    expect(isFinal('cancelled')).toBe(true);
    expect(runPhases.filter(isFinal)).toEqual(['done', 'cancelled']);
    for (const run of [runIn('done'), cancelledRun()]) {
      for (const event of everyEvent(run)) {
        const t = transition(run.state, event);
        expect(t.applied, event.type).toBe(false);
        expect(t.state).toBe(run.state);
        expect(t.effects).toEqual([]);
      }
    }
  });
});

describe('stale and misplaced results', () => {
  it('ignores every result that carries an older phaseSeq', () => {
    const cases: [Parameters<typeof runIn>[0], (run: Run) => RunEvent][] = [
      ['handshake', (run) => run.hello(null, deviceFacts(), run.seq - 1)],
      ['claim', (run) => run.claimIssued(run.seq - 1)],
      ['delivery', (run) => run.claimDelivered(run.seq - 1)],
      ['provisioning', (run) => run.progress(2, run.seq - 1)],
      ['provisioning', (run) => run.provisioned(newIdentity, run.seq - 1)],
      ['verification', (run) => run.verified([], run.seq - 1)],
      ['retiring', (run) => run.retired('retired', null, run.seq - 1)],
      ['claim', (run) => run.stepFailed(stepFailure(), run.seq - 1)],
      ['provisioning', (run) => run.timeout(run.seq - 1)],
      ['verification', (run) => run.timeout(run.seq + 1)],
    ];
    for (const [phase, make] of cases) {
      const run = runIn(phase);
      const event = make(run);
      const t = transition(run.state, event);
      expect(t, `${event.type} in ${phase}`).toEqual({ state: run.state, effects: [], applied: false });
      expect(t.state).toBe(run.state);
    }
  });

  it('ignores a late handshake timeout once the device answered, and a late claim after a cancel', () => {
    const run = new Run();
    run.must(run.handshakeStarted());
    const handshakeSeq = run.seq;
    run.must(run.hello(null));
    expect(run.send(run.timeout(handshakeSeq)).applied).toBe(false);
    expect(run.phase).toBe('queued');

    const claim = runIn('claim');
    const claimSeq = claim.seq;
    claim.must(claim.cancel());
    expect(claim.send(claim.claimIssued(claimSeq)).applied).toBe(false);
    expect(claim.phase).toBe('cancelled');
  });

  it('ignores results that arrive in the wrong phase even with the current phaseSeq', () => {
    const queued = runIn('queued');
    for (const event of [
      queued.claimIssued(),
      queued.claimDelivered(),
      queued.provisioned(),
      queued.verified(),
      queued.retired(),
      queued.hello(null),
      queued.handshakeStarted(),
      queued.confirm(),
      queued.progress(),
    ]) {
      expect(transition(queued.state, event).applied, event.type).toBe(false);
    }
    const handshake = runIn('handshake');
    expect(transition(handshake.state, handshake.slotGranted()).applied).toBe(false);
    // A verification result in retiring is not a retirement.
    const retiring = runIn('retiring');
    expect(transition(retiring.state, retiring.verified()).applied).toBe(false);
  });
});

describe('a device that already holds an identity', () => {
  it('waits for confirmation and nothing touches it until confirm-reprovision', () => {
    const run = runIn('handshake');
    const t = run.must(run.hello(oldIdentity));
    expect(run.phase).toBe('needs-confirmation');
    expect(t.effects).toEqual([]);
    expect(run.state).toMatchObject({ heldIdentity: oldIdentity, reprovisionConfirmed: false });

    const untouched: RunEvent[] = [
      run.slotGranted(),
      run.claimIssued(),
      run.claimDelivered(),
      run.progress(),
      run.provisioned(),
      run.verified(),
      run.retired(),
      run.stepFailed(),
      run.timeout(),
      run.hello(null),
      run.handshakeStarted(),
      run.retry(),
      run.deviceReturned(),
    ];
    for (const event of untouched) {
      const next = transition(run.state, event);
      expect(next.applied, event.type).toBe(false);
      expect(next.effects).toEqual([]);
    }
  });

  it('asks again after a re-plug, and the identity to replace stays the one first seen', () => {
    const run = runIn('needs-confirmation');
    expect(run.must(run.deviceLost()).effects).toEqual([]);
    expect(run.phase).toBe('unplugged');
    run.must(run.deviceReturned());
    run.must(run.hello(oldIdentity));
    expect(run.phase).toBe('needs-confirmation');
    expect(run.state.heldIdentity).toEqual(oldIdentity);
  });

  it('is re-provisioned after confirmation, then the old certificate is retired → done with replaced', () => {
    const run = runIn('needs-confirmation');
    let t = run.must(run.confirm());
    expect(run.phase).toBe('queued');
    expect(t.effects).toEqual([{ type: 'request-slot' }]);
    expect(run.state.reprovisionConfirmed).toBe(true);

    run.must(run.slotGranted());
    run.must(run.claimIssued());
    t = run.must(run.claimDelivered());
    expect(t.effects).toContainEqual({ type: 'start-provisioning', mode: 'csr', replaceIdentity: true });
    run.must(run.provisioned(newIdentity));

    t = run.must(run.verified([oldIdentity.certificateId, 'f'.repeat(64)]));
    expect(run.phase).toBe('retiring');
    expect(t.effects).toEqual([
      { type: 'retire', thingName: oldIdentity.thingName, certificateId: oldIdentity.certificateId },
      arm('retiring', run.seq),
    ]);

    t = run.must(run.retired('retired'));
    expect(run.phase).toBe('done');
    expect(t.effects).toEqual([{ type: 'release-slot' }, { type: 'write-audit' }]);
    expect(run.state.replaced).toEqual({
      certificateId: oldIdentity.certificateId,
      outcome: 'retired',
      reason: null,
    });
    expect(run.state.result).toEqual(newIdentity);
    // Detached: only the certificates still on the Thing are listed as its others.
    expect(run.state.otherCertificateIds).toEqual(['f'.repeat(64)]);
  });

  it('records an old certificate the role may not retire as left for an administrator', () => {
    const run = runIn('retiring');
    run.must(run.retired('left-for-admin', 'iot:UpdateCertificate is not allowed for this role'));
    expect(run.phase).toBe('done');
    expect(run.state.replaced).toEqual({
      certificateId: oldIdentity.certificateId,
      outcome: 'left-for-admin',
      reason: 'iot:UpdateCertificate is not allowed for this role',
    });
  });

  it('skips retiring when the registry shows the device kept its old certificate', () => {
    const run = runIn('provisioning', { held: oldIdentity });
    run.must(run.provisioned({ ...oldIdentity, fingerprint: oldIdentity.certificateId }));
    run.must(run.verified());
    expect(run.phase).toBe('done');
    expect(run.state.replaced).toBeNull();
  });
});

/** The cleanup a run must do when it leaves each phase early. */
const cleanupOf: Partial<Record<RunPhase, RunEffect['type'][]>> = {
  detected: [],
  handshake: [],
  claim: ['wipe-claim', 'release-slot'],
  delivery: ['wipe-claim', 'abort-device', 'release-slot'],
  provisioning: ['wipe-claim', 'abort-device', 'release-slot'],
  verification: ['release-slot'],
  retiring: ['release-slot'],
  recovering: [],
};

/** A run in any phase the failure tests need, `recovering` included. */
function runInAny(phase: RunPhase): Run {
  if (phase === 'recovering') return recoveringRun();
  if (phase === 'unplugged') {
    const run = runIn('queued');
    run.must(run.deviceLost());
    return run;
  }
  if (phase === 'failed') {
    const run = runIn('claim');
    run.must(run.stepFailed());
    return run;
  }
  if (phase === 'cancelled') return cancelledRun();
  return runIn(phase);
}

function recoveringRun(): Run {
  const run = runIn('verification');
  run.must(run.recover());
  expect(run.phase).toBe('recovering');
  return run;
}

function cancelledRun(): Run {
  const run = runIn('provisioning');
  run.must(run.cancel());
  return run;
}

describe('failures', () => {
  const failingPhases = [
    'detected',
    'handshake',
    'claim',
    'delivery',
    'provisioning',
    'verification',
    'retiring',
    'recovering',
  ] as const;

  it.each(failingPhases)('a step failure in %s carries the phase and does that phase’s cleanup', (phase) => {
    const run = runInAny(phase);
    const failure = stepFailure('CLAIM_THROTTLED');
    const t = run.must(run.stepFailed(failure));
    expect(run.phase).toBe('failed');
    expect(run.state.failure).toEqual({ ...failure, phase });
    expect(run.state.finishedAt).toBe(run.now);
    expect(effectTypes(t.effects)).toEqual([...(cleanupOf[phase] ?? []), 'write-audit']);
  });

  it('ignores step failures where no step runs', () => {
    for (const phase of [
      'needs-confirmation',
      'queued',
      'unplugged',
      'failed',
      'done',
      'cancelled',
    ] as const) {
      const run = runInAny(phase);
      expect(transition(run.state, run.stepFailed()).applied, phase).toBe(false);
    }
  });

  it.each(timedPhases)('a timeout in %s fails that phase with a TIMEOUT code and its cleanup', (phase) => {
    const run = runInAny(phase);
    const t = run.must(run.timeout());
    expect(run.state.failure).toMatchObject({
      code: `TIMEOUT_${phase.toUpperCase()}`,
      phase,
      retryable: true,
      detail: null,
    });
    expect(run.state.failure?.message).toMatch(/in time/);
    expect(run.state.failure?.hint).toMatch(/Retry/);
    expect(effectTypes(t.effects)).toEqual([...(cleanupOf[phase] ?? []), 'write-audit']);
  });

  it('ignores a timeout with the current phaseSeq in every phase that has no timeout', () => {
    const untimed = runPhases.filter((phase) => !timedPhases.includes(phase));
    expect(untimed).toEqual([
      'detected',
      'needs-confirmation',
      'queued',
      'unplugged',
      'done',
      'failed',
      'cancelled',
    ]);
    for (const phase of untimed) {
      const run = runInAny(phase);
      expect(run.phase).toBe(phase);
      expect(transition(run.state, run.timeout()).applied, phase).toBe(false);
    }
  });
});

describe('retry and cancel', () => {
  /** Every way a run can fail: each active phase, by step failure, by timeout, by unplugging. */
  function failedRuns(): { label: string; run: Run; failedIn: RunPhase }[] {
    const runs: { label: string; run: Run; failedIn: RunPhase }[] = [];
    for (const phase of [
      'detected',
      'handshake',
      'claim',
      'delivery',
      'provisioning',
      'verification',
      'retiring',
      'recovering',
    ] as const) {
      const byStep = runInAny(phase);
      byStep.must(byStep.stepFailed());
      runs.push({ label: `step failure in ${phase}`, run: byStep, failedIn: phase });
      if (timedPhases.includes(phase)) {
        const byTimeout = runInAny(phase);
        byTimeout.must(byTimeout.timeout());
        runs.push({ label: `timeout in ${phase}`, run: byTimeout, failedIn: phase });
      }
      if (phase === 'claim' || phase === 'delivery' || phase === 'provisioning') {
        const byUnplug = runInAny(phase);
        byUnplug.must(byUnplug.deviceLost());
        runs.push({ label: `unplugged in ${phase}`, run: byUnplug, failedIn: phase });
      }
    }
    return runs;
  }

  it('retry works from every failed state: registry phases re-verify, the others start at the handshake', () => {
    const cases = failedRuns();
    expect(cases.length).toBe(18);
    for (const { label, run, failedIn } of cases) {
      expect(run.phase, label).toBe('failed');
      const attempt = run.state.attempt;
      const t = run.must(run.retry());
      expect(run.state, label).toMatchObject({ attempt: attempt + 1, failure: null, finishedAt: null });
      if (failedIn === 'verification' || failedIn === 'retiring' || failedIn === 'recovering') {
        expect(run.phase, label).toBe('verification');
        expect(t.effects, label).toEqual([
          { type: 'verify', expected: newIdentity },
          arm('verification', run.seq),
        ]);
      } else {
        expect(run.phase, label).toBe('handshake');
        expect(t.effects, label).toEqual([{ type: 'hello' }, arm('handshake', run.seq)]);
        expect(run.state, label).toMatchObject({ claim: null, progress: null });
      }
    }
  });

  it('cancel works from every failed state and does no cleanup twice', () => {
    for (const { label, run } of failedRuns()) {
      const t = run.must(run.cancel());
      expect(run.phase, label).toBe('cancelled');
      expect(t.effects, label).toEqual([{ type: 'write-audit' }]);
    }
  });

  it('cancel works from every phase before done, with that phase’s cleanup', () => {
    const phases = runPhases.filter((phase) => !isFinal(phase));
    for (const phase of phases) {
      const run = runInAny(phase);
      const t = run.must(run.cancel());
      expect(run.phase, phase).toBe('cancelled');
      expect(run.state.finishedAt, phase).toBe(run.now);
      expect(effectTypes(t.effects), phase).toEqual([...(cleanupOf[phase] ?? []), 'write-audit']);
    }
  });

  it('retry after a verification failure re-verifies the reported identity and never provisions again', () => {
    const run = runIn('verification');
    run.must(
      run.stepFailed({
        code: 'VERIFY_NETWORK',
        message: 'The registry could not be reached.',
        hint: 'Check the network and press Retry.',
        detail: 'DescribeThing: TimeoutError',
        retryable: true,
      }),
    );
    const t = run.must(run.retry());
    expect(run.phase).toBe('verification');
    expect(effectTypes(t.effects)).toEqual(['verify', 'arm-timeout']);
    expect(run.state.result).toEqual(newIdentity);
    run.must(run.verified());
    expect(run.phase).toBe('done');
    expect(run.state.attempt).toBe(2);
    const provisions = run.transitions
      .flatMap((x) => x.effects)
      .filter((e) => e.type === 'start-provisioning');
    expect(provisions).toHaveLength(1);
  });

  it('retry after a retiring failure verifies again, then retires', () => {
    const run = runIn('retiring');
    run.must(run.timeout());
    run.must(run.retry());
    expect(run.phase).toBe('verification');
    const t = run.must(run.verified());
    expect(run.phase).toBe('retiring');
    expect(t.effects[0]).toEqual({ type: 'retire', ...oldIdentity });
  });

  it('an identity first seen after a claim failure (no PROVISION sent yet) still needs confirmation', () => {
    const run = runIn('claim');
    run.must(run.stepFailed(stepFailure('CLAIM_THROTTLED')));
    run.must(run.retry());
    run.must(run.hello(oldIdentity));
    // The device got no PROVISION yet: the identity is not this run's, so the operator decides.
    expect(run.phase).toBe('needs-confirmation');
  });
});

describe('the cable', () => {
  it.each(['detected', 'handshake', 'needs-confirmation', 'queued'] as const)(
    'device-lost in %s waits unplugged, device-returned resumes with a handshake on the new port',
    (phase) => {
      const run = runInAny(phase);
      const attempt = run.state.attempt;
      let t = run.must(run.deviceLost());
      expect(run.phase).toBe('unplugged');
      expect(t.effects).toEqual([]);
      expect(run.state.failure).toBeNull();

      t = run.must(run.deviceReturned('/dev/ttyACM1', '2-1'));
      expect(run.phase).toBe('handshake');
      expect(t.effects).toEqual([{ type: 'hello' }, arm('handshake', run.seq)]);
      expect(run.state).toMatchObject({ portPath: '/dev/ttyACM1', usbLocation: '2-1', attempt });
    },
  );

  it.each(['claim', 'delivery', 'provisioning'] as const)(
    'device-lost in %s fails DEVICE_UNPLUGGED with cleanup',
    (phase) => {
      const run = runIn(phase);
      const t = run.must(run.deviceLost());
      expect(run.phase).toBe('failed');
      expect(run.state.failure).toMatchObject({ code: 'DEVICE_UNPLUGGED', phase, retryable: true });
      expect(run.state.failure?.hint).toMatch(/Plug the device back in/);
      expect(effectTypes(t.effects)).toEqual([...(cleanupOf[phase] ?? []), 'write-audit']);

      // Plugging it back in starts a new attempt.
      const attempt = run.state.attempt;
      run.must(run.deviceReturned());
      expect(run.phase).toBe('handshake');
      expect(run.state.attempt).toBe(attempt + 1);
    },
  );

  it('Retry while the cable is still out waits for the device instead of failing again', () => {
    const run = runIn('delivery');
    run.must(run.deviceLost());
    const attempt = run.state.attempt;
    const t = run.must(run.retry(false));
    expect(run.phase).toBe('unplugged');
    expect(t.effects).toEqual([]);
    expect(run.state).toMatchObject({ failure: null, finishedAt: null, attempt: attempt + 1 });

    // Plugging it in then continues that attempt; it does not count another one.
    run.must(run.deviceReturned());
    expect(run.phase).toBe('handshake');
    expect(run.state.attempt).toBe(attempt + 1);
  });

  it('verification, retiring and the settled phases do not care about the cable', () => {
    for (const phase of [
      'verification',
      'retiring',
      'recovering',
      'unplugged',
      'failed',
      'done',
      'cancelled',
    ] as const) {
      const run = runInAny(phase);
      expect(transition(run.state, run.deviceLost()).applied, phase).toBe(false);
    }
  });

  it('device-returned applies only to an unplugged or failed run', () => {
    for (const phase of runPhases) {
      const run = runInAny(phase);
      expect(transition(run.state, run.deviceReturned()).applied, phase).toBe(
        phase === 'unplugged' || phase === 'failed',
      );
    }
  });
});

describe('recovery after a restart', () => {
  it('re-checks a run that was verifying against the registry alone', () => {
    const run = runIn('verification');
    const t = run.must(run.recover());
    expect(run.phase).toBe('recovering');
    expect(run.state).toMatchObject({ recovering: true, claim: null, result: newIdentity });
    // The registry re-check has its own timeout. The release is a no-op after a restart.
    expect(t.effects).toEqual([
      { type: 'release-slot' },
      { type: 'verify', expected: newIdentity },
      arm('recovering', run.seq),
    ]);

    const done = run.must(run.verified());
    expect(run.phase).toBe('done');
    // After a restart the run holds no bay slot.
    expect(done.effects).toEqual([{ type: 'write-audit' }]);
    expect(run.state.recovering).toBe(false);
  });

  it('re-checks a run that was retiring, then retires the old certificate', () => {
    const run = runIn('retiring');
    run.must(run.recover());
    expect(run.phase).toBe('recovering');
    const t = run.must(run.verified());
    expect(run.phase).toBe('retiring');
    expect(t.effects[0]).toEqual({ type: 'retire', ...oldIdentity });
  });

  it('re-checks the registry again after a second restart during the re-check', () => {
    const run = recoveringRun();
    const t = run.must(run.recover());
    expect(run.phase).toBe('recovering');
    expect(t.effects).toEqual([{ type: 'verify', expected: newIdentity }, arm('recovering', run.seq)]);
  });

  it('waits for a run that was provisioning, then verifies the identity its HELLO names', () => {
    const run = runIn('provisioning');
    let t = run.must(run.recover());
    expect(run.phase).toBe('unplugged');
    expect(run.state).toMatchObject({ recovering: true, claim: null });
    expect(t.effects).toEqual([{ type: 'release-slot' }]);

    run.must(run.deviceReturned());
    t = run.must(run.hello({ thingName: newIdentity.thingName, certificateId: newIdentity.certificateId }));
    expect(run.phase).toBe('verification');
    expect(t.effects).toEqual([{ type: 'verify', expected: newIdentity }, arm('verification', run.seq)]);
    expect(run.state.recoveredResult).toBe(true);

    run.must(run.verified());
    expect(run.phase).toBe('done');
    const provisions = run.transitions
      .flatMap((x) => x.effects)
      .filter((e) => e.type === 'start-provisioning');
    expect(provisions).toHaveLength(1);
  });

  it('queues a recovered run whose device holds no identity (it never finished)', () => {
    const run = runIn('provisioning');
    run.must(run.recover());
    run.must(run.deviceReturned());
    const t = run.must(run.hello(null));
    expect(run.phase).toBe('queued');
    expect(t.effects).toEqual([{ type: 'request-slot' }]);
    expect(run.state.recovering).toBe(false);
  });

  it('queues a recovered re-provision whose device still names the old identity', () => {
    const run = runIn('provisioning', { held: oldIdentity });
    run.must(run.recover());
    run.must(run.deviceReturned());
    run.must(run.hello(oldIdentity));
    expect(run.phase).toBe('queued');
    expect(run.state.reprovisionConfirmed).toBe(true);
  });

  it('waits for a run that was delivering, still recovering', () => {
    const run = runIn('delivery');
    const t = run.must(run.recover());
    expect(run.phase).toBe('unplugged');
    expect(run.state).toMatchObject({ recovering: true, claim: null });
    expect(effectTypes(t.effects)).toEqual(['release-slot']);
  });

  it.each(['detected', 'handshake', 'needs-confirmation', 'queued', 'claim'] as const)(
    'a run in %s (nothing irreversible yet) waits unplugged to start over',
    (phase) => {
      const run = runInAny(phase);
      const t = run.must(run.recover());
      expect(run.phase).toBe('unplugged');
      expect(run.state).toMatchObject({ recovering: false, claim: null });
      expect(t.effects.filter((e) => e.type !== 'release-slot')).toEqual([]);
    },
  );

  it('leaves unplugged, failed and final runs as they are', () => {
    for (const phase of ['unplugged', 'failed', 'done', 'cancelled'] as const) {
      const run = runInAny(phase);
      expect(transition(run.state, run.recover()).applied, phase).toBe(false);
    }
  });
});

describe('a HELLO after provisioning started (lost RESULT, reboot)', () => {
  const announced = { thingName: newIdentity.thingName, certificateId: newIdentity.certificateId };

  it('a new identity after a provisioning timeout is verified, not offered for confirmation', () => {
    const run = runIn('provisioning');
    run.must(run.timeout());
    run.must(run.retry());
    const t = run.must(run.hello(announced));
    expect(run.phase).toBe('verification');
    expect(t.effects).toEqual([{ type: 'verify', expected: newIdentity }, arm('verification', run.seq)]);
    expect(effectTypes(t.effects)).not.toContain('start-provisioning');
    expect(run.state).toMatchObject({ recoveredResult: true, heldIdentity: null });
  });

  it('keeps the mode the device was told to use, for the audit row', () => {
    const run = runIn('provisioning', { modes: ['keys'] });
    run.must(run.timeout());
    run.must(run.retry());
    run.must(run.hello(announced));
    run.must(run.verified());
    expect(run.state).toMatchObject({ phase: 'done', mode: 'keys', result: newIdentity });
  });

  it('a device that rebooted mid-provisioning and came back with the identity is verified', () => {
    const run = runIn('provisioning');
    run.must(run.deviceLost());
    expect(run.state.failure?.code).toBe('DEVICE_UNPLUGGED');
    run.must(run.deviceReturned());
    run.must(run.hello(announced));
    expect(run.phase).toBe('verification');
  });

  it('a re-provisioned device naming its new identity is verified and the old one retired', () => {
    const run = runIn('provisioning', { held: oldIdentity });
    run.must(run.stepFailed(stepFailure('DEVICE_NO_RESPONSE')));
    run.must(run.retry());
    run.must(run.hello(announced));
    expect(run.phase).toBe('verification');
    const t = run.must(run.verified());
    expect(run.phase).toBe('retiring');
    expect(t.effects[0]).toEqual({ type: 'retire', ...oldIdentity });
  });
});

describe('helpers', () => {
  it('isActive names the phases in which the station is doing something', () => {
    expect(runPhases.filter(isActive)).toEqual([
      'detected',
      'handshake',
      'claim',
      'delivery',
      'provisioning',
      'verification',
      'retiring',
    ]);
    expect(slotPhases.every(isActive)).toBe(true);
  });
});

/** One of every event, stamped with the run's current phaseSeq. */
function everyEvent(run: Run): RunEvent[] {
  return [
    run.handshakeStarted(),
    run.hello(null),
    run.hello(oldIdentity),
    run.confirm(),
    run.slotGranted(),
    run.claimIssued(),
    run.claimDelivered(),
    run.progress(),
    run.provisioned(),
    run.verified(),
    run.retired(),
    run.stepFailed(),
    run.timeout(),
    run.deviceLost(),
    run.deviceReturned(),
    run.retry(),
    run.cancel(),
    run.recover(),
  ];
}

describe('a failure a retry cannot fix', () => {
  it('waits for the operator when the device comes back, and Retry still works', () => {
    const run = runIn('provisioning');
    run.must(run.stepFailed({ ...stepFailure('PROVISIONING_REFUSED_BY_HOOK'), retryable: false }));
    expect(run.phase).toBe('failed');
    expect(transition(run.state, run.deviceReturned()).applied).toBe(false);
    run.must(run.retry());
    expect(run.phase).toBe('handshake');
  });
});

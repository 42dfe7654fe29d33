import {
  slotPhases,
  timedPhases,
  type RunEffect,
  type RunEvent,
  type RunFailure,
  type RunPhase,
  type RunState,
  type Transition,
} from './run-state.js';

/**
 * The per-device state machine as a pure function: (state, event) → (state, effects). The batch
 * engine journals the event and the new state before it runs any effect, so after a crash the
 * journal alone says where every device was. Results of effects carry the phaseSeq they were
 * started in; a result from an older phase (the operator cancelled, a timeout fired) is ignored.
 */
export function transition(state: RunState, event: RunEvent): Transition {
  if ('phaseSeq' in event && event.phaseSeq !== state.phaseSeq) return ignored(state);
  switch (event.type) {
    case 'handshake-started':
      return state.phase === 'detected'
        ? enter(state, 'handshake', event.at, [{ type: 'hello' }])
        : ignored(state);

    case 'hello':
      return onHello(state, event);

    case 'confirm-reprovision':
      if (state.phase !== 'needs-confirmation') return ignored(state);
      return enter({ ...state, reprovisionConfirmed: true }, 'queued', event.at, [{ type: 'request-slot' }]);

    case 'slot-granted':
      if (state.phase !== 'queued') return ignored(state);
      return enter(state, 'claim', event.at, [{ type: 'request-claim' }]);

    case 'claim-issued':
      if (state.phase !== 'claim') return ignored(state);
      return enter({ ...state, claim: event.claim }, 'delivery', event.at, [{ type: 'deliver-claim' }]);

    case 'claim-delivered': {
      if (state.phase !== 'delivery' || !state.device) return ignored(state);
      const mode = preferredMode(state.device.modes);
      return enter({ ...state, mode, provisionStarted: true }, 'provisioning', event.at, [
        // The device holds the claim now; the station's copy goes at once.
        { type: 'wipe-claim' },
        { type: 'start-provisioning', mode, replaceIdentity: state.reprovisionConfirmed },
      ]);
    }

    case 'progress':
      if (state.phase !== 'provisioning') return ignored(state);
      return { state: { ...state, progress: event.progress }, effects: [], applied: true };

    case 'provisioned':
      if (state.phase !== 'provisioning') return ignored(state);
      return enter({ ...state, result: event.result }, 'verification', event.at, [
        { type: 'verify', expected: event.result },
      ]);

    case 'verified':
      return onVerified(state, event.at, event.otherCertificateIds);

    case 'retired': {
      if (state.phase !== 'retiring' || !state.heldIdentity) return ignored(state);
      const old = state.heldIdentity.certificateId;
      return finish(
        {
          ...state,
          // Detached now: it is no longer one of the Thing's other certificates.
          otherCertificateIds:
            event.outcome === 'retired'
              ? state.otherCertificateIds.filter((id) => id !== old)
              : state.otherCertificateIds,
          replaced: {
            certificateId: state.heldIdentity.certificateId,
            outcome: event.outcome,
            reason: event.reason,
          },
        },
        'done',
        event.at,
      );
    }

    case 'step-failed':
      if (!isActive(state.phase) && state.phase !== 'recovering') return ignored(state);
      return fail(state, { ...event.failure, phase: state.phase }, event.at);

    case 'timeout':
      if (!timedPhases.includes(state.phase)) return ignored(state);
      return fail(state, timeoutFailure(state.phase), event.at);

    case 'device-lost':
      return onDeviceLost(state, event.at);

    case 'device-returned':
      if (state.phase !== 'unplugged' && state.phase !== 'failed') return ignored(state);
      // A failure that a retry cannot fix (a hook refusal, a fingerprint mismatch) waits for the
      // operator's Retry instead of starting again whenever the device is seen.
      if (state.phase === 'failed' && state.failure?.retryable === false) return ignored(state);
      return restartHandshake(
        { ...state, portPath: event.portPath, usbLocation: event.usbLocation },
        event.at,
        state.phase === 'failed',
      );

    case 'retry':
      if (state.phase !== 'failed') return ignored(state);
      if (state.result && state.failure && registryPhases.includes(state.failure.phase)) {
        // The device already reported its identity: check the registry again, never re-provision.
        return enter(nextAttempt(state), 'verification', event.at, [
          { type: 'verify', expected: state.result },
        ]);
      }
      if (!event.connected) {
        // The cable is still out: a new attempt that waits for the device instead of failing again.
        return enter(nextAttempt(state), 'unplugged', event.at, []);
      }
      return restartHandshake(state, event.at, true);

    case 'cancel':
      if (state.phase === 'done' || state.phase === 'cancelled') return ignored(state);
      return finish(state, 'cancelled', event.at, cleanupEffects(state.phase));

    case 'recover':
      return onRecover(state, event.at);
  }
}

/** Phases that need only the registry once the device reported its identity (`recovering` re-checks it). */
const registryPhases: readonly RunPhase[] = ['verification', 'retiring', 'recovering'];

/** CSR when the device offers it: its private key then never leaves it. */
export function preferredMode(modes: readonly ('csr' | 'keys')[]): 'csr' | 'keys' {
  return modes.includes('csr') ? 'csr' : 'keys';
}

export function isFinal(phase: RunPhase): boolean {
  return phase === 'done' || phase === 'cancelled';
}

/** Phases in which the station is actively doing something for the device. */
export function isActive(phase: RunPhase): boolean {
  return phase === 'detected' || phase === 'handshake' || slotPhases.includes(phase);
}

function onHello(state: RunState, event: Extract<RunEvent, { type: 'hello' }>): Transition {
  if (state.phase !== 'handshake') return ignored(state);
  const next: RunState = { ...state, device: event.device };
  const announced = event.identity;
  const isNew = announced !== null && announced.certificateId !== state.heldIdentity?.certificateId;
  if (announced && isNew && (state.recovering || state.provisionStarted)) {
    // The device may hold the identity this run gave it (a restart, a lost RESULT, a reboot):
    // verify that in the registry, never provision it a second time.
    const expected = {
      thingName: announced.thingName,
      certificateId: announced.certificateId,
      // AWS IoT's certificate id is the SHA-256 of the certificate's DER: the fingerprint.
      fingerprint: announced.certificateId,
    };
    return enter({ ...next, result: expected, recoveredResult: true }, 'verification', event.at, [
      { type: 'verify', expected },
    ]);
  }
  // The identity seen at the first handshake is the one a re-provision replaces; later handshakes
  // (retry, re-plug) keep it, so a device that got half-way keeps asking for the same confirmation.
  const heldIdentity = state.heldIdentity ?? announced;
  const ready = { ...next, heldIdentity, recovering: false };
  if (announced && !state.reprovisionConfirmed) return enter(ready, 'needs-confirmation', event.at, []);
  return enter(ready, 'queued', event.at, [{ type: 'request-slot' }]);
}

function onVerified(state: RunState, at: number, otherCertificateIds: string[]): Transition {
  if (state.phase !== 'verification' && state.phase !== 'recovering') return ignored(state);
  const verified = { ...state, otherCertificateIds, recovering: false };
  const old = state.heldIdentity;
  if (state.reprovisionConfirmed && old && state.result && old.certificateId !== state.result.certificateId) {
    return enter(verified, 'retiring', at, [
      { type: 'retire', thingName: old.thingName, certificateId: old.certificateId },
    ]);
  }
  return finish(verified, 'done', at);
}

function onDeviceLost(state: RunState, at: number): Transition {
  switch (state.phase) {
    case 'detected':
    case 'handshake':
    case 'needs-confirmation':
    case 'queued':
      // Nothing was given to the device yet: wait for it to come back, hold no slot meanwhile.
      return enter(state, 'unplugged', at, []);
    case 'claim':
    case 'delivery':
    case 'provisioning':
      return fail(
        state,
        {
          code: 'DEVICE_UNPLUGGED',
          message: `The device disappeared during ${describePhase(state.phase)}.`,
          hint: 'Plug the device back in; the station starts it again with a fresh claim when it sees it (Retry is not needed).',
          detail: null,
          phase: state.phase,
          retryable: true,
        },
        at,
      );
    default:
      // Verification and retiring need only the registry; done/failed/cancelled ignore the cable.
      return ignored(state);
  }
}

function onRecover(state: RunState, at: number): Transition {
  if (isFinal(state.phase) || state.phase === 'failed' || state.phase === 'unplugged') {
    return ignored(state);
  }
  const recovering = { ...state, recovering: true, claim: null };
  if (state.result && registryPhases.includes(state.phase)) {
    // The device reported its identity before the crash: the registry alone settles it.
    return enter(recovering, 'recovering', at, [{ type: 'verify', expected: state.result }]);
  }
  if (state.phase === 'provisioning' || state.phase === 'delivery') {
    // The device may or may not have finished: ask it (its HELLO names any identity it holds).
    return enter(recovering, 'unplugged', at, []);
  }
  // Nothing irreversible happened: start over from the handshake when the device is seen.
  return enter({ ...recovering, recovering: false }, 'unplugged', at, []);
}

/** A failed run's Retry: a new attempt, the failure cleared. */
function nextAttempt(state: RunState): RunState {
  return { ...state, failure: null, finishedAt: null, attempt: state.attempt + 1 };
}

function restartHandshake(state: RunState, at: number, newAttempt: boolean): Transition {
  const next: RunState = {
    ...state,
    attempt: newAttempt ? state.attempt + 1 : state.attempt,
    failure: null,
    claim: null,
    progress: null,
    // `mode` stays: an identity the device names at the next HELLO was made in that mode (audit).
    // A result that failed verification is not trusted; a recovering run keeps its flag.
    result: state.recovering ? state.result : null,
    finishedAt: null,
  };
  return enter(next, 'handshake', at, [{ type: 'hello' }]);
}

function fail(state: RunState, failure: RunFailure, at: number): Transition {
  const next: RunState = { ...state, failure, finishedAt: at };
  return {
    state: { ...next, phase: 'failed', phaseSeq: state.phaseSeq + 1, phaseStartedAt: at },
    effects: [...cleanupEffects(state.phase), { type: 'write-audit' }],
    applied: true,
  };
}

/** What leaving a phase early must undo: the claim copy, the device's work, the bay slot. */
function cleanupEffects(phase: RunPhase): RunEffect[] {
  const effects: RunEffect[] = [];
  if (phase === 'claim' || phase === 'delivery' || phase === 'provisioning') {
    effects.push({ type: 'wipe-claim' });
  }
  if (phase === 'delivery' || phase === 'provisioning') effects.push({ type: 'abort-device' });
  if (slotPhases.includes(phase)) effects.push({ type: 'release-slot' });
  return effects;
}

function finish(
  state: RunState,
  phase: 'done' | 'cancelled',
  at: number,
  extra: RunEffect[] = [],
): Transition {
  const releases = slotPhases.includes(state.phase) && !extra.some((e) => e.type === 'release-slot');
  return {
    state: { ...state, phase, phaseSeq: state.phaseSeq + 1, phaseStartedAt: at, finishedAt: at },
    effects: [...extra, ...(releases ? [{ type: 'release-slot' } as const] : []), { type: 'write-audit' }],
    applied: true,
  };
}

function enter(state: RunState, phase: RunPhase, at: number, effects: RunEffect[]): Transition {
  const phaseSeq = state.phaseSeq + 1;
  const leavingSlot = slotPhases.includes(state.phase) && !slotPhases.includes(phase);
  const timed = timedPhases.includes(phase) ? [{ type: 'arm-timeout', phase, phaseSeq } as const] : [];
  return {
    state: { ...state, phase, phaseSeq, phaseStartedAt: at },
    effects: [...(leavingSlot ? [{ type: 'release-slot' } as const] : []), ...effects, ...timed],
    applied: true,
  };
}

function ignored(state: RunState): Transition {
  return { state, effects: [], applied: false };
}

function describePhase(phase: RunPhase): string {
  switch (phase) {
    case 'claim':
      return 'the claim request';
    case 'delivery':
      return 'claim delivery';
    case 'provisioning':
      return 'provisioning';
    default:
      return phase;
  }
}

function timeoutFailure(phase: RunPhase): RunFailure {
  const what: Partial<Record<RunPhase, [string, string]>> = {
    handshake: [
      'The device did not announce itself in time.',
      'Reseat the cable, check the device runs provisioning firmware, then press Retry.',
    ],
    claim: [
      'AWS IoT did not issue a claim in time.',
      'Check the network connection to AWS, then press Retry.',
    ],
    delivery: ['The claim did not reach the device in time.', 'Reseat the cable and press Retry.'],
    provisioning: [
      'The device did not finish provisioning in time.',
      'Check the device can reach the network (Wi-Fi/Ethernet), then press Retry.',
    ],
    verification: [
      'The registry check did not finish in time.',
      'Check the network connection to AWS, then press Retry.',
    ],
    recovering: [
      'Re-checking the device in the registry after the restart did not finish in time.',
      'Check the network connection to AWS, then press Retry.',
    ],
    retiring: [
      'Retiring the old certificate did not finish in time.',
      'Press Retry, or ask your AWS admin to deactivate the old certificate.',
    ],
  };
  const [message, hint] = what[phase] ?? ['The step did not finish in time.', 'Press Retry.'];
  return {
    code: `TIMEOUT_${phase.toUpperCase()}`,
    message,
    hint,
    detail: null,
    phase,
    retryable: true,
  };
}

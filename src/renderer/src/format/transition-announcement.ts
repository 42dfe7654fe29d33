import type { RunView } from '../../../shared/view-models.js';
import type { CueTransition } from '../sound/cue-transitions.js';

export type AnnouncedRun = Pick<RunView, 'serialNumber' | 'portPath' | 'thingName' | 'failure'>;

/** At most this many devices are named in one announcement; the rest are counted. */
export const namedPerAnnouncement = 3;

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function deviceName(run: AnnouncedRun): string {
  return run.serialNumber ?? `The device on ${run.portPath}`;
}

function transitionWords({ run, cue }: CueTransition<AnnouncedRun>): string {
  if (cue === 'failed')
    return sentence(`${deviceName(run)} failed: ${run.failure?.hint ?? 'open it to see why'}`);
  return sentence(
    run.thingName
      ? `${deviceName(run)} provisioned as ${run.thingName}`
      : `${deviceName(run)} provisioned (the template makes no Thing)`,
  );
}

/**
 * What the queue's live region says when devices turn done or failed (the sound cue's decision,
 * in words): "SIM0001-002 failed: Plug the device back in…. SIM0001-001 provisioned as SIM0001-001."
 * Failures first, so they are heard even when many devices finish at once; beyond a few devices
 * the rest are counted, not read out one by one. Empty when nothing turned done or failed.
 */
export function announceTransitions(transitions: readonly CueTransition<AnnouncedRun>[]): string {
  const ordered = [
    ...transitions.filter((transition) => transition.cue === 'failed'),
    ...transitions.filter((transition) => transition.cue === 'done'),
  ];
  const named = ordered.slice(0, namedPerAnnouncement).map(transitionWords);
  const rest = ordered.slice(namedPerAnnouncement);
  if (rest.length > 0) {
    const failed = rest.filter((transition) => transition.cue === 'failed').length;
    const done = rest.length - failed;
    const parts = [
      failed > 0 ? `${failed} more failed` : null,
      done > 0 ? `${done} more provisioned` : null,
    ].filter((part): part is string => part !== null);
    named.push(sentence(`And ${parts.join(', ')}`));
  }
  return named.join(' ');
}

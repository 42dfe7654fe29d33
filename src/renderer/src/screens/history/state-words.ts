import type { AuditRowView } from '../../../../shared/view-models.js';

/**
 * A device outcome as the operator reads it: a word, an icon beside it, and the tone that colours
 * both. These are History's own; a batch's state comes from format/run-phase.ts, as on the queue.
 */
export interface StateWords {
  word: string;
  /** A symbol drawn beside the word (hidden from screen readers: the word says it). */
  icon: string;
  tone: 'ok' | 'fail' | 'warn' | 'busy' | 'muted';
}

export type AuditOutcome = AuditRowView['outcome'];

const outcomeWords: Record<AuditOutcome, StateWords> = {
  provisioned: { word: 'Provisioned', icon: '✔', tone: 'ok' },
  failed: { word: 'Failed', icon: '✖', tone: 'fail' },
  cancelled: { word: 'Cancelled', icon: '⊘', tone: 'muted' },
  'already-provisioned': { word: 'Already provisioned', icon: '↺', tone: 'warn' },
};

export function outcomeWordsOf(outcome: AuditOutcome): StateWords {
  return outcomeWords[outcome];
}

/** The class that colours a state; muted states use the shared muted text colour. */
export function toneClassOf(tone: StateWords['tone']): string {
  return tone === 'muted' ? 'muted' : `state-${tone}`;
}

/** A label names the device's Thing, so only a row that holds one gets a Print label button. */
export function canPrintLabel(row: Pick<AuditRowView, 'outcome' | 'thingName'>): boolean {
  return (row.outcome === 'provisioned' || row.outcome === 'already-provisioned') && !!row.thingName;
}

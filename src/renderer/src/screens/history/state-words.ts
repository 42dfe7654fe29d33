import type { AuditRowView, BatchStatusName } from '../../../../shared/view-models.js';

/** A state as the operator reads it: a word, an icon beside it, and the tone that colours both. */
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

const batchStatusWords: Record<BatchStatusName, StateWords> = {
  running: { word: 'Running', icon: '▶', tone: 'busy' },
  paused: { word: 'Paused', icon: '⏸', tone: 'warn' },
  finished: { word: 'Finished', icon: '✔', tone: 'ok' },
  cancelled: { word: 'Cancelled', icon: '⊘', tone: 'muted' },
};

export function outcomeWordsOf(outcome: AuditOutcome): StateWords {
  return outcomeWords[outcome];
}

export function batchStatusWordsOf(status: BatchStatusName): StateWords {
  return batchStatusWords[status];
}

/** The class that colours a state; muted states use the shared muted text colour. */
export function toneClassOf(tone: StateWords['tone']): string {
  return tone === 'muted' ? 'muted' : `state-${tone}`;
}

/** A label names the device's Thing, so only a row that holds one gets a Print label button. */
export function canPrintLabel(row: Pick<AuditRowView, 'outcome' | 'thingName'>): boolean {
  return (row.outcome === 'provisioned' || row.outcome === 'already-provisioned') && !!row.thingName;
}

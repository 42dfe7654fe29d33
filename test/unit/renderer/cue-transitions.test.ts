import { describe, expect, it } from 'vitest';
import type { RunPhaseName } from '../../../src/shared/view-models.js';
import { type CueBaseline, decideCue } from '../../../src/renderer/src/sound/cue-transitions.js';

const runs = (...phases: [string, RunPhaseName][]) => phases.map(([runId, phase]) => ({ runId, phase }));

/** Feeds successive updates of one batch, returning the cue each one decided. */
function cues(updates: ReturnType<typeof runs>[], batchId = 'batch-1'): (string | null)[] {
  let baseline: CueBaseline | null = null;
  return updates.map((update) => {
    const decision = decideCue(baseline, batchId, update);
    baseline = decision.baseline;
    return decision.cue;
  });
}

describe('audible cue transitions', () => {
  it('stays silent on the first look, however many runs are already done or failed', () => {
    expect(cues([runs(['a', 'done'], ['b', 'failed'], ['c', 'done'])])).toEqual([null]);
  });

  it('sounds once when a run turns done, not again while it stays done', () => {
    expect(
      cues([
        runs(['a', 'provisioning']),
        runs(['a', 'verification']),
        runs(['a', 'done']),
        runs(['a', 'done']),
      ]),
    ).toEqual([null, null, 'done', null]);
  });

  it('sounds the failure when a run turns failed, and again after a retry fails again', () => {
    expect(
      cues([runs(['a', 'claim']), runs(['a', 'failed']), runs(['a', 'claim']), runs(['a', 'failed'])]),
    ).toEqual([null, 'failed', null, 'failed']);
  });

  it('lets a failure win when one run fails and another is done in the same update', () => {
    expect(
      cues([runs(['a', 'verification'], ['b', 'delivery']), runs(['a', 'done'], ['b', 'failed'])]),
    ).toEqual([null, 'failed']);
  });

  it('sounds for a run that appears already done in a batch it watches', () => {
    expect(cues([runs(['a', 'done']), runs(['b', 'done'], ['a', 'done'])])).toEqual([null, 'done']);
  });

  it('takes another batch as a new first look', () => {
    let decision = decideCue(null, 'batch-1', runs(['a', 'provisioning']));
    decision = decideCue(decision.baseline, 'batch-2', runs(['x', 'done'], ['y', 'failed']));
    expect(decision.cue).toBeNull();
    decision = decideCue(decision.baseline, 'batch-2', runs(['x', 'done'], ['y', 'failed'], ['z', 'done']));
    expect(decision.cue).toBe('done');
  });

  it('stays silent without an open batch', () => {
    const first = decideCue(null, null, []);
    expect(decideCue(first.baseline, null, runs(['a', 'done'])).cue).toBeNull();
  });

  it('ignores phases other than done and failed', () => {
    expect(
      cues([runs(['a', 'detected']), runs(['a', 'cancelled']), runs(['a', 'needs-confirmation'])]),
    ).toEqual([null, null, null]);
  });

  it('names every run behind the cue, in the update order, for the spoken announcement', () => {
    const first = decideCue(null, 'batch-1', runs(['a', 'verification'], ['b', 'delivery'], ['c', 'claim']));
    const second = decideCue(
      first.baseline,
      'batch-1',
      runs(['a', 'done'], ['b', 'failed'], ['c', 'provisioning'], ['d', 'done']),
    );
    expect(second.transitions.map((each) => [each.run.runId, each.cue])).toEqual([
      ['a', 'done'],
      ['b', 'failed'],
      ['d', 'done'],
    ]);
    // The same decision, not a second opinion: no transitions, no cue.
    expect(decideCue(second.baseline, 'batch-1', runs(['a', 'done'], ['b', 'failed'])).transitions).toEqual(
      [],
    );
  });

  it('names nobody on a first look', () => {
    expect(decideCue(null, 'batch-1', runs(['a', 'done'])).transitions).toEqual([]);
  });
});

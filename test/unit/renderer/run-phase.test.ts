import { describe, expect, it } from 'vitest';
import {
  batchStatusLook,
  bayStatusLook,
  phaseIconNames,
  phaseLook,
  phaseSentence,
} from '../../../src/renderer/src/format/run-phase.js';
import { runPhaseNames } from '../../../src/shared/view-models.js';

const tones = ['ok', 'fail', 'warn', 'busy', 'idle'];

describe('run phase looks', () => {
  it.each(runPhaseNames)('%s has a word, a known icon, a tone and a next step', (phase) => {
    const look = phaseLook(phase);
    expect(look.word.trim()).not.toBe('');
    expect(look.word.length).toBeLessThanOrEqual(16);
    expect(phaseIconNames).toContain(look.icon);
    expect(tones).toContain(look.tone);
    expect(look.next.trim()).not.toBe('');
    expect(phaseSentence(phase)).toBe(`${look.word}. ${look.next}`);
  });

  it('gives every phase its own word, so the word alone tells them apart', () => {
    const words = runPhaseNames.map((phase) => phaseLook(phase).word.toLowerCase());
    expect(new Set(words).size).toBe(runPhaseNames.length);
  });

  it('shows done as a green check that says to unplug, failed as a red cross', () => {
    expect(phaseLook('done')).toMatchObject({ word: 'Done', icon: 'check', tone: 'ok', final: true });
    expect(phaseLook('done').next).toMatch(/unplug/i);
    expect(phaseLook('failed')).toMatchObject({ word: 'Failed', icon: 'cross', tone: 'fail', final: false });
    expect(phaseLook('failed').next).toMatch(/retry/i);
  });

  it('tells the operator not to unplug while the claim is on the wire or the device provisions', () => {
    expect(phaseLook('delivery').next).toMatch(/do not unplug/i);
    expect(phaseLook('provisioning').next).toMatch(/do not unplug/i);
  });

  it('runs the clock only while the station is working on the device', () => {
    const busy = runPhaseNames.filter((phase) => phaseLook(phase).busy);
    expect(busy).toEqual(
      expect.arrayContaining(['detected', 'handshake', 'claim', 'delivery', 'provisioning', 'verification']),
    );
    for (const waiting of ['needs-confirmation', 'unplugged', 'done', 'failed', 'cancelled'] as const) {
      expect(phaseLook(waiting).busy).toBe(false);
    }
    expect(runPhaseNames.filter((phase) => phaseLook(phase).final)).toEqual(['done', 'cancelled']);
  });

  it('asks for the operator where only the operator can move the run on', () => {
    expect(phaseLook('needs-confirmation')).toMatchObject({ tone: 'warn', icon: 'question' });
    expect(phaseLook('needs-confirmation').next).toMatch(/confirm/i);
    expect(phaseLook('unplugged').next).toMatch(/plug it back/i);
  });
});

describe('batch and bay looks', () => {
  it('names every batch status in a word with its own icon', () => {
    const looks = (['running', 'paused', 'finished', 'cancelled'] as const).map(batchStatusLook);
    expect(looks.map((look) => look.word)).toEqual(['Running', 'Paused', 'Finished', 'Cancelled']);
    expect(new Set(looks.map((look) => look.icon)).size).toBe(4);
    for (const look of looks) expect(phaseIconNames).toContain(look.icon);
  });

  it('names a bay by what is on it', () => {
    expect(bayStatusLook({ status: 'device', serialNumber: 'SN-42' }).word).toBe('Device SN-42');
    expect(bayStatusLook({ status: 'device', serialNumber: null }).word).toBe('Device');
    expect(bayStatusLook({ status: 'no-answer', serialNumber: null })).toMatchObject({
      word: 'No answer',
      tone: 'warn',
    });
    expect(bayStatusLook({ status: 'released', serialNumber: null }).word).toBe('Free');
    expect(bayStatusLook({ status: 'probing', serialNumber: null }).tone).toBe('busy');
  });
});

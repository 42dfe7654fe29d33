import { describe, expect, it } from 'vitest';
import {
  type AnnouncedRun,
  announceTransitions,
  namedPerAnnouncement,
} from '../../../src/renderer/src/format/transition-announcement.js';
import type { CueTransition } from '../../../src/renderer/src/sound/cue-transitions.js';

function done(serial: string | null, thingName: string | null = serial): CueTransition<AnnouncedRun> {
  return { cue: 'done', run: { serialNumber: serial, portPath: '/dev/tty-a', thingName, failure: null } };
}

function failed(serial: string, hint: string): CueTransition<AnnouncedRun> {
  return {
    cue: 'failed',
    run: {
      serialNumber: serial,
      portPath: '/dev/tty-b',
      thingName: null,
      failure: {
        code: 'DEVICE_UNPLUGGED',
        message: 'The device disappeared during claim delivery.',
        hint,
        phase: 'delivery',
        retryable: true,
        detail: null,
      },
    },
  };
}

describe('queue announcement of done and failed devices', () => {
  it('says which device was provisioned as which Thing', () => {
    expect(announceTransitions([done('SIM0001-001', 'thing-001')])).toBe(
      'SIM0001-001 provisioned as thing-001.',
    );
  });

  it('says what to do about a failure, failures first', () => {
    expect(announceTransitions([done('SIM0001-001'), failed('SIM0001-002', 'Plug the device back in')])).toBe(
      'SIM0001-002 failed: Plug the device back in. SIM0001-001 provisioned as SIM0001-001.',
    );
  });

  it('does not double the full stop of a hint that has one', () => {
    expect(announceTransitions([failed('SN-1', 'Retry it.')])).toBe('SN-1 failed: Retry it.');
  });

  it('names a device without a serial by its port, and a template without Things', () => {
    expect(announceTransitions([done(null, null)])).toBe(
      'The device on /dev/tty-a provisioned (the template makes no Thing).',
    );
  });

  it('counts the devices beyond the first few instead of reading them all', () => {
    const many = [
      failed('F1', 'Look.'),
      ...Array.from({ length: 6 }, (_, index) => done(`D${index}`)),
      failed('F2', 'Look.'),
    ];
    const words = announceTransitions(many);
    expect(words.startsWith('F1 failed: Look. F2 failed: Look. D0 provisioned as D0.')).toBe(true);
    expect(words.endsWith('And 5 more provisioned.')).toBe(true);
    expect(words.match(/provisioned as/g)).toHaveLength(namedPerAnnouncement - 2);
  });

  it('says nothing when nothing turned done or failed', () => {
    expect(announceTransitions([])).toBe('');
  });
});

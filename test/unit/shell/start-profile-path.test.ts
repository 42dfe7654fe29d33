import { describe, expect, it } from 'vitest';
import { startProfilePath } from '../../../src/main/shell/start-profile-path.js';

describe('the profile named at start', () => {
  it('takes --profile FILE or --profile=FILE, before STATION_PROFILE', () => {
    const env = { STATION_PROFILE: 'from-env.json' };
    expect(startProfilePath(['main.js', '--profile', 'bench.json'], env)).toEqual({
      ok: true,
      path: 'bench.json',
    });
    expect(startProfilePath(['--profile=./-odd.json', '--no-sandbox'], env)).toEqual({
      ok: true,
      path: './-odd.json',
    });
    expect(startProfilePath(['main.js', '--enable-logging'], env)).toEqual({
      ok: true,
      path: 'from-env.json',
    });
  });

  it('is no profile (the embedded sandbox) when neither is given; an empty STATION_PROFILE counts as unset', () => {
    expect(startProfilePath(['main.js', '--inspect=9229', 'extra'], {})).toEqual({
      ok: true,
      path: undefined,
    });
    expect(startProfilePath([], { STATION_PROFILE: '' })).toEqual({ ok: true, path: undefined });
  });

  it('refuses a --profile without a file, wherever it stands, instead of starting on the sandbox', () => {
    for (const args of [
      ['main.js', '--profile'],
      ['--profile='],
      ['--profile', '--no-sandbox'],
      ['--profile', 'bench.json', '--profile'],
    ]) {
      const answer = startProfilePath(args, { STATION_PROFILE: 'from-env.json' });
      expect(answer, args.join(' ')).toEqual({
        ok: false,
        message: expect.stringMatching(/^--profile needs the path of a profile file\./),
      });
    }
  });
});

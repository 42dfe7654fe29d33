import { parseArgs } from 'node:util';

export type StartProfilePath = { ok: true; path: string | undefined } | { ok: false; message: string };

const usage =
  'Start the station with --profile FILE (or STATION_PROFILE=FILE), or without it for the embedded sandbox.';

/**
 * The profile file named at start: `--profile FILE`, `--profile=FILE` or STATION_PROFILE=FILE (the
 * command line wins). A `--profile` without a file is refused: starting on the embedded sandbox
 * instead would look like the real account to an operator who asked for one.
 */
export function startProfilePath(args: readonly string[], env: NodeJS.ProcessEnv): StartProfilePath {
  // Chromium and Electron add switches of their own: unknown ones are not ours to refuse.
  const { tokens } = parseArgs({
    args: [...args],
    options: { profile: { type: 'string' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  let path: string | undefined;
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name !== 'profile') continue;
    const value = token.value ?? '';
    // Without strict parsing the next switch is taken as the value: `--profile --no-sandbox`.
    if (value === '' || (!token.inlineValue && value.startsWith('-'))) {
      return { ok: false, message: `--profile needs the path of a profile file. ${usage}` };
    }
    path = value;
  }
  return { ok: true, path: path ?? (env.STATION_PROFILE || undefined) };
}

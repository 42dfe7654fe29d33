/**
 * What a configured serial port path or glob may be. A serial port is one file in one folder, so a
 * pattern is either a device path or a folder named in full plus a wildcard in its last part; then
 * each scan reads exactly one folder per pattern, never a tree (`/**` walked the whole disk, 20 s
 * a scan). Used by the IPC contract (the operator's input) and by the resolver (patterns from the
 * command line, the environment and older settings files).
 */

export const maxPortPatternLength = 512;

/** What an operator can use, said in every refusal. */
export const portPatternHelp =
  'Use a device path (/dev/ttyUSB0, COM3) or a folder named in full with a wildcard (* ? [...]) in the last part only, e.g. /dev/ttyUSB*, /dev/serial/by-id/*, /tmp/devices/tty-*.';

const windowsPort = /^COM\d{1,3}$/i;
const windowsDevicePath = /^\\\\\.\\[A-Za-z0-9_.-]+$/;
const wildcard = /[*?[\]]/;

/** A Windows port name (COM3) or device path (\\.\COM10): no file to stat, nothing to list. */
export function isWindowsPort(path: string): boolean {
  return windowsPort.test(path) || windowsDevicePath.test(path);
}

/** True when the pattern has wildcards (and so names a folder to list). */
export function isPortGlob(pattern: string): boolean {
  return wildcard.test(pattern);
}

/** Why the pattern cannot be used, or undefined when it can. */
export function portPatternProblem(pattern: string): string | undefined {
  if (pattern.length === 0) return 'A port path cannot be empty.';
  if (pattern.length > maxPortPatternLength)
    return `A port path is at most ${maxPortPatternLength} characters.`;
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(pattern)) return 'A port path cannot contain control characters.';
  if (windowsPort.test(pattern) || windowsDevicePath.test(pattern)) return undefined;
  if (!pattern.startsWith('/')) {
    return `A port path must be absolute (/dev/ttyUSB0, /tmp/devices/*) or a COM port (COM3). ${portPatternHelp}`;
  }
  const segments = pattern.slice(1).split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return `"${pattern}" has an empty, "." or ".." part. ${portPatternHelp}`;
  }
  if (pattern.includes('**')) return `"**" (every folder below) is not supported. ${portPatternHelp}`;
  if (/[{}]/.test(pattern))
    return `"{…}" alternatives are not supported; add one pattern for each. ${portPatternHelp}`;
  const last = segments[segments.length - 1]!;
  const folders = segments.slice(0, -1);
  if (folders.some((segment) => wildcard.test(segment))) {
    return `Wildcards may only be in the last part of a port path, not in folder names. ${portPatternHelp}`;
  }
  if (wildcard.test(last)) {
    if (folders.length === 0) return `A wildcard needs a folder named in full, not "/". ${portPatternHelp}`;
    if (!bracketsBalanced(last)) return `"${last}" has an unclosed "[". ${portPatternHelp}`;
  }
  return undefined;
}

function bracketsBalanced(segment: string): boolean {
  let open = false;
  for (const character of segment) {
    if (character === '[') {
      if (open) return false;
      open = true;
    } else if (character === ']') {
      if (!open) return false;
      open = false;
    }
  }
  return !open;
}

/**
 * A matcher for one file name against the last part of a pattern: `*` any run, `?` one character,
 * `[abc]`, `[a-z]`, `[!x]`/`[^x]` one character of a set. Linear-time backtracking (no regular
 * expression, so no pattern can make matching slow); a leading "." must be matched literally.
 */
export function compileNameMatcher(segment: string): (name: string) => boolean {
  type Token = { kind: 'star' } | { kind: 'one'; test: (character: string) => boolean };
  const tokens: Token[] = [];
  for (let index = 0; index < segment.length; index++) {
    const character = segment[index]!;
    if (character === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (character === '?') {
      tokens.push({ kind: 'one', test: () => true });
    } else if (character === '[' && segment.indexOf(']', index + 1) > index + 1) {
      const close = segment.indexOf(']', index + 1);
      const body = segment.slice(index + 1, close);
      index = close;
      const negated = body.startsWith('!') || body.startsWith('^');
      const set = negated ? body.slice(1) : body;
      const ranges: [string, string][] = [];
      for (let k = 0; k < set.length; k++) {
        if (set[k + 1] === '-' && k + 2 < set.length) {
          ranges.push([set[k]!, set[k + 2]!]);
          k += 2;
        } else ranges.push([set[k]!, set[k]!]);
      }
      tokens.push({
        kind: 'one',
        test: (value) => ranges.some(([low, high]) => value >= low && value <= high) !== negated,
      });
    } else {
      tokens.push({ kind: 'one', test: (value) => value === character });
    }
  }
  const literalDot = segment.startsWith('.');
  return (name) => {
    if (name.startsWith('.') && !literalDot) return false;
    let t = 0;
    let n = 0;
    let starToken = -1;
    let starName = 0;
    while (n < name.length) {
      const token = tokens[t];
      if (token?.kind === 'one' && token.test(name[n]!)) {
        t++;
        n++;
      } else if (token?.kind === 'star') {
        starToken = t++;
        starName = n;
      } else if (starToken >= 0) {
        t = starToken + 1;
        n = ++starName;
      } else {
        return false;
      }
    }
    while (tokens[t]?.kind === 'star') t++;
    return t === tokens.length;
  };
}

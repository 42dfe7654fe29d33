// The command a Bench health hint gives for installing the udev rule without the deb, run for real in
// a POSIX shell (and bash, where there is one) with sudo, tee, udevadm and usermod replaced by stubs:
// PATH holds only the stubs, so nothing on this machine changes, and printf is the shell's own.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isUdevRuleInstalled,
  localUdevRulesPath,
  packagedUdevRulesPath,
  shellQuote,
  udevReloadCommand,
  udevRuleInstallCommand,
} from '../../../src/main/core/health/udev-rule.js';
import { udevRuleLines } from '../../../src/main/core/health/udev-rule-text.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'udev-rule-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `command` in `shell`; returns the stub calls and what tee was given. */
function runWithStubs(
  shell: string[],
  command: string,
): { status: number | null; stderr: string; calls: string[]; teeInput: string | null } {
  const stubs = join(dir, 'bin');
  const log = join(stubs, 'calls.log');
  const teeOut = join(stubs, 'tee.out');
  mkdirSync(stubs);
  writeFileSync(log, '');
  const stub = (name: string, body: string) => {
    writeFileSync(
      join(stubs, name),
      `#!/bin/sh\n{ printf '%s' '${name}'; printf ' [%s]' "$@"; echo; } >> "$STUB_LOG"\n${body}\n`,
    );
    chmodSync(join(stubs, name), 0o755);
  };
  // sudo runs the rest as given (unprivileged: everything it runs is a stub too).
  stub('sudo', 'exec "$@"');
  // tee keeps its input where the test reads it, never at the path it is given.
  stub('tee', `while IFS= read -r line; do printf '%s\\n' "$line"; done > "${teeOut}"`);
  stub('udevadm', 'exit 0');
  stub('usermod', 'exit 0');
  const result = spawnSync(shell[0] ?? '/bin/sh', [...shell.slice(1), '-c', command], {
    env: { PATH: stubs, STUB_LOG: log, USER: 'operator' },
    encoding: 'utf8',
  });
  return {
    status: result.status,
    stderr: result.stderr,
    calls: readFileSync(log, 'utf8').split('\n').filter(Boolean),
    teeInput: existsSync(teeOut) ? readFileSync(teeOut, 'utf8') : null,
  };
}

/** Each shell without its startup files: the operator's own bashrc is not under test. */
const shells = [
  { name: 'sh', argv: ['/bin/sh'] },
  { name: 'bash', argv: ['/bin/bash', '--norc', '--noprofile'] },
].filter(({ argv }) => existsSync(argv[0] ?? ''));

describe('the command that installs the udev rule without the deb', () => {
  it.each(shells)(
    'writes exactly the rule lines to /etc/udev/rules.d and applies them ($name)',
    ({ argv }) => {
      const result = runWithStubs(argv, `${udevRuleInstallCommand()} && sudo usermod -aG dialout "$USER"`);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const applied = [
        'udevadm [control] [--reload]',
        'udevadm [trigger] [--subsystem-match=tty] [--action=change]',
      ];
      if (existsSync(localUdevRulesPath)) {
        // This machine has an override already: the command leaves it alone and only applies the rules.
        console.log(`${localUdevRulesPath} exists here: only the branch that keeps it is exercised`);
        expect(result.teeInput).toBeNull();
      } else {
        expect(result.teeInput).toBe(udevRuleLines.map((line) => `${line}\n`).join(''));
        expect(result.calls).toContain(`tee [${localUdevRulesPath}]`);
      }
      expect(result.calls.filter((call) => !call.startsWith('sudo ') && !call.startsWith('tee '))).toEqual([
        ...applied,
        'usermod [-aG] [dialout] [operator]',
      ]);
    },
  );

  it('stays whole in the view: under its 1000 characters with usermod added', () => {
    expect(`${udevRuleInstallCommand()} && sudo usermod -aG dialout "$USER"`.length).toBeLessThanOrEqual(
      1000,
    );
    expect(udevRuleInstallCommand()).toContain(udevReloadCommand);
    expect(udevRuleInstallCommand()).not.toContain(packagedUdevRulesPath);
  });

  it('quotes words for the shell only where they need it', () => {
    expect(shellQuote('/dev/ttyUSB0')).toBe('/dev/ttyUSB0');
    expect(shellQuote('/dev/bench port')).toBe("'/dev/bench port'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    const echoed = spawnSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(`a 'b' "c" $HOME {d}`)}`], {
      encoding: 'utf8',
    });
    expect(echoed.stdout).toBe(`a 'b' "c" $HOME {d}`);
  });
});

describe('isUdevRuleInstalled', () => {
  it('is true for a file or a link to one, false for nothing, a folder or a dangling link', async () => {
    const rule = join(dir, 'rule');
    writeFileSync(rule, udevRuleLines.join('\n'));
    symlinkSync(rule, join(dir, 'link'));
    symlinkSync(join(dir, 'gone'), join(dir, 'dangling'));
    mkdirSync(join(dir, 'folder'));
    expect(await isUdevRuleInstalled(rule)).toBe(true);
    expect(await isUdevRuleInstalled(join(dir, 'link'))).toBe(true);
    expect(await isUdevRuleInstalled(join(dir, 'missing'))).toBe(false);
    expect(await isUdevRuleInstalled(join(dir, 'folder'))).toBe(false);
    expect(await isUdevRuleInstalled(join(dir, 'dangling'))).toBe(false);
  });

  it('looks at the deb’s path by default', async () => {
    expect(await isUdevRuleInstalled()).toBe(existsSync(packagedUdevRulesPath));
  });
});

// The deb's postinst and postrm (assets/udev/deb-after-*.sh), as electron-builder puts them into the
// package, run under /bin/sh with every command they call replaced by a stub that logs its arguments:
// PATH holds only the stubs, so the scripts touch nothing on this machine (all else is sh builtins).
// A stub's exit status stands for the machine's state (cmp 0: the /etc copy is the packaged rule).
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  localUdevRulesPath,
  packagedUdevRulesPath,
  udevReloadCommand,
} from '../../../src/main/core/health/udev-rule.js';
import { debScriptMacros as macros, expandDebScript as expand } from './deb-script-macros.js';

const appDir = `/opt/${macros.sanitizedProductName}`;

/** The commands the scripts may call; everything else they do must be a shell builtin. */
const commands = [
  'apparmor_parser',
  'apparmor_status',
  'chmod',
  'cmp',
  'cp',
  'ischroot',
  'ln',
  'readlink',
  'rm',
  'udevadm',
  'unshare',
  'update-alternatives',
  'update-desktop-database',
  'update-mime-database',
];

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deb-scripts-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** One line per stub call: `name [arg] [arg]`. */
  calls: string[];
}

/** Runs a script with stubs for `present` commands (name → exit status); the others do not exist. */
function run(script: string, args: string[], present: Record<string, number>): Run {
  const runDir = mkdtempSync(join(dir, 'run-'));
  const stubs = join(runDir, 'bin');
  const log = join(runDir, 'calls.log');
  mkdirSync(stubs);
  writeFileSync(log, '');
  for (const [name, status] of Object.entries(present)) {
    const stub = join(stubs, name);
    writeFileSync(
      stub,
      `#!/bin/sh\n{ printf '%s' '${name}'; printf ' [%s]' "$@"; echo; } >> "$STUB_LOG"\nexit ${status}\n`,
    );
    chmodSync(stub, 0o755);
  }
  const file = join(runDir, 'script.sh');
  writeFileSync(file, expand(script));
  const result = spawnSync('/bin/sh', [file, ...args], {
    env: { PATH: stubs, STUB_LOG: log },
    encoding: 'utf8',
  });
  const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

const allPresent = (overrides: Record<string, number> = {}) => ({
  ...Object.fromEntries(commands.map((name) => [name, 0])),
  // Not in a chroot: ischroot answers 1.
  ischroot: 1,
  ...overrides,
});

const userNamespaces = lstatSync('/proc/self/ns/user', { throwIfNoEntry: false })?.isSymbolicLink() ?? false;

describe('the deb after-install script', () => {
  const script = 'assets/udev/deb-after-install.sh';

  it('uses only macros electron-builder defines and parses as POSIX sh', () => {
    writeFileSync(join(dir, 'check.sh'), expand(script));
    const syntax = spawnSync('/bin/sh', ['-n', join(dir, 'check.sh')], { encoding: 'utf8' });
    expect(syntax.stderr).toBe('');
    expect(syntax.status).toBe(0);
  });

  /** Calls that write, move or delete anything under a udev rules folder. */
  const ruleWrites = (calls: string[]) =>
    calls.filter((call) => /^(cp|install|ln|mkdir|mv|rm|tee) /.test(call) && /udev\/rules\.d/.test(call));

  it('reloads udev and tells how to join dialout, and leaves the rule to dpkg', () => {
    const result = run(script, ['configure', ''], allPresent());
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.calls).toContain('udevadm [control] [--reload]');
    expect(result.calls).toContain('udevadm [trigger] [--subsystem-match=tty] [--action=change]');
    expect(result.stdout).toContain('sudo usermod -aG dialout <user name>');
    // A first install: nothing of an earlier version to look for, nothing written in /etc.
    expect(ruleWrites(result.calls)).toEqual([]);
    expect(result.calls.filter((call) => call.startsWith('cmp '))).toEqual([]);
  });

  it('applies the rule with the same udevadm steps as the Bench health hint', () => {
    const result = run(script, ['configure', ''], allPresent());
    const hintSteps = udevReloadCommand.split(' && ').map((step) => {
      const [sudo, name, ...args] = step.split(' ');
      expect(sudo).toBe('sudo');
      return `${name} ${args.map((arg) => `[${arg}]`).join(' ')}`;
    });
    expect(result.calls.filter((call) => call.startsWith('udevadm '))).toEqual(hintSteps);
  });

  it('on an upgrade, removes a copy an earlier version left in /etc while it is the packaged rule', () => {
    const identical = run(script, ['configure', '0.1.0'], allPresent({ cmp: 0 }));
    expect(identical.status).toBe(0);
    expect(identical.calls).toContain(`cmp [-s] [${packagedUdevRulesPath}] [${localUdevRulesPath}]`);
    expect(ruleWrites(identical.calls)).toEqual([`rm [-f] [${localUdevRulesPath}]`]);
    // Removed before udev rereads its rules, so the packaged rule applies at once.
    const removedAt = identical.calls.indexOf(`rm [-f] [${localUdevRulesPath}]`);
    expect(removedAt).toBeLessThan(identical.calls.indexOf('udevadm [control] [--reload]'));
  });

  it('keeps an admin’s edited override (cmp differs) and goes on where there is none (cmp fails)', () => {
    for (const cmp of [1, 2]) {
      const result = run(script, ['configure', '0.1.0'], allPresent({ cmp }));
      expect(result.stderr).toBe('');
      expect(result.status, `cmp exits ${cmp}`).toBe(0);
      expect(result.calls).toContain(`cmp [-s] [${packagedUdevRulesPath}] [${localUdevRulesPath}]`);
      expect(ruleWrites(result.calls), `cmp exits ${cmp}`).toEqual([]);
      expect(result.calls).toContain('udevadm [control] [--reload]');
    }
  });

  it('removes the copy once: configured again, with the copy gone (cmp fails), it removes nothing', () => {
    const first = run(script, ['configure', '0.1.0'], allPresent({ cmp: 0 }));
    expect(ruleWrites(first.calls)).toEqual([`rm [-f] [${localUdevRulesPath}]`]);
    const again = run(script, ['configure', '0.1.0'], allPresent({ cmp: 2 }));
    expect(again.status).toBe(0);
    expect(ruleWrites(again.calls)).toEqual([]);
    // Otherwise the same run: a second configure sets up what the first did.
    const others = (calls: string[]) => calls.filter((call) => !call.startsWith('rm ['));
    expect(others(again.calls)).toEqual(others(first.calls));
    expect(again.stdout).toBe(first.stdout);
  });

  it('never looks at /etc when dpkg rolls back a failed removal (abort-remove)', () => {
    const aborted = run(script, ['abort-remove'], allPresent({ cmp: 0 }));
    expect(aborted.status).toBe(0);
    expect(aborted.calls.filter((call) => call.startsWith('cmp '))).toEqual([]);
    expect(ruleWrites(aborted.calls)).toEqual([]);
  });

  it('also does the work of electron-builder’s own after-install, which it replaces', () => {
    const result = run(script, ['configure', ''], allPresent());
    const executable = macros.executable ?? '';
    expect(result.calls).toContain(
      `update-alternatives [--install] [/usr/bin/${executable}] [${executable}] [${appDir}/${executable}] [100]`,
    );
    expect(result.calls).toContain(`chmod [${userNamespaces ? '0755' : '4755'}] [${appDir}/chrome-sandbox]`);
    expect(result.calls).toContain('update-desktop-database [/usr/share/applications]');
    expect(result.calls).toContain('update-mime-database [/usr/share/mime]');
    expect(result.calls).toContain(
      `cp [-f] [${appDir}/resources/apparmor-profile] [/etc/apparmor.d/${executable}]`,
    );
    expect(result.calls).toContain(
      `apparmor_parser [--replace] [--write-cache] [--skip-read-cache] [/etc/apparmor.d/${executable}]`,
    );
  });

  it('succeeds where udev does not run, and on a bare system without udevadm or AppArmor', () => {
    const udevDown = run(script, ['configure', '0.1.0'], allPresent({ udevadm: 1 }));
    expect(udevDown.status).toBe(0);
    const bare = Object.fromEntries(['chmod', 'ln', 'unshare'].map((name) => [name, 0]));
    const result = run(script, ['configure', ''], { ...bare, unshare: 1 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.calls).toContain(
      `ln [-sf] [${appDir}/${macros.executable}] [/usr/bin/${macros.executable}]`,
    );
    expect(result.calls).toContain(`chmod [4755] [${appDir}/chrome-sandbox]`);
    expect(result.stdout).toContain('sudo usermod -aG dialout <user name>');
  });
});

describe('the deb after-remove script', () => {
  const script = 'assets/udev/deb-after-remove.sh';

  it('uses only macros electron-builder defines and parses as POSIX sh', () => {
    writeFileSync(join(dir, 'check.sh'), expand(script));
    expect(spawnSync('/bin/sh', ['-n', join(dir, 'check.sh')]).status).toBe(0);
  });

  it('removes the command link and reloads udev, leaving every rule file to dpkg and the admin', () => {
    for (const action of ['remove', 'purge']) {
      const result = run(script, [action], allPresent());
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.calls).toContain('udevadm [control] [--reload]');
      expect(result.calls).toContain(
        `update-alternatives [--remove] [${macros.executable}] [${appDir}/${macros.executable}]`,
      );
      expect(result.calls.filter((call) => /udev\/rules\.d/.test(call))).toEqual([]);
    }
  });

  it('leaves everything in place while dpkg upgrades the package', () => {
    const result = run(script, ['upgrade', '0.1.0'], allPresent());
    expect(result.status).toBe(0);
    expect(result.calls).toEqual([]);
  });
});

describe('shellcheck', () => {
  const available = spawnSync('shellcheck', ['--version']).status === 0;
  if (!available) {
    console.log(
      'shellcheck is not installed (apt-get install shellcheck): the deb scripts are not linted here',
    );
  }

  it.skipIf(!available)('finds nothing in either deb script as electron-builder expands it', () => {
    for (const script of ['assets/udev/deb-after-install.sh', 'assets/udev/deb-after-remove.sh']) {
      const file = join(dir, 'check.sh');
      writeFileSync(file, expand(script));
      const result = spawnSync('shellcheck', ['--shell=sh', file], { encoding: 'utf8' });
      expect(result.stdout, script).toBe('');
      expect(result.status, script).toBe(0);
    }
  });
});

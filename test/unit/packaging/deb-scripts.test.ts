// The deb's postinst and postrm (assets/udev/deb-after-*.sh), as electron-builder puts them into the
// package, run under /bin/sh with every command they call replaced by a stub that logs its arguments:
// PATH holds only the stubs, so the scripts touch nothing on this machine (all else is sh builtins).
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  packagedUdevRulesPath,
  udevInstallCommand,
} from '../../../src/main/core/health/serial-access-check.js';

const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; productName: string };
/** What electron-builder fills in: the Linux executable name and the folder name under /opt. */
const macros: Record<string, string> = {
  executable: packageJson.name,
  sanitizedProductName: packageJson.productName,
};
const appDir = `/opt/${packageJson.productName}`;
const rule = '99-provisioning-station.rules';

/**
 * A script as it lands in the deb: electron-builder (FpmTarget's writeConfigFile) replaces each
 * `${name}` of letters with its value and fails the build on a name it does not define.
 */
function expand(script: string): string {
  return readFileSync(script, 'utf8').replace(/\$\{([a-zA-Z]+)\}/g, (_match, name: string) => {
    const value = macros[name];
    if (value === undefined) throw new Error(`${script}: electron-builder has no macro \${${name}}`);
    return value;
  });
}

/** The commands the scripts may call; everything else they do must be a shell builtin. */
const commands = [
  'apparmor_parser',
  'apparmor_status',
  'chmod',
  'cp',
  'install',
  'ischroot',
  'ln',
  'mkdir',
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

  it('installs the udev rule, reloads udev and tells how to join dialout', () => {
    const result = run(script, ['configure'], allPresent());
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.calls).toContain('mkdir [-p] [/etc/udev/rules.d]');
    expect(result.calls).toContain(
      `install [-m] [0644] [${appDir}/udev/${rule}] [/etc/udev/rules.d/${rule}]`,
    );
    expect(result.calls).toContain('udevadm [control] [--reload-rules]');
    expect(result.calls).toContain('udevadm [trigger] [--subsystem-match=tty] [--action=change]');
    expect(result.stdout).toContain('sudo usermod -aG dialout');
  });

  it('puts the rule where the Bench health check expects it and installs it as its hint does', () => {
    const result = run(script, ['configure'], allPresent());
    const installed = result.calls.find((call) => call.startsWith('install '));
    expect(installed).toBe(`install [-m] [0644] [${packagedUdevRulesPath}] [/etc/udev/rules.d/${rule}]`);
    expect(udevInstallCommand(packagedUdevRulesPath)).toContain(
      `install -m 0644 "${packagedUdevRulesPath}" /etc/udev/rules.d/${rule}`,
    );
  });

  it('also does the work of electron-builder’s own after-install, which it replaces', () => {
    const result = run(script, ['configure'], allPresent());
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
    const udevDown = run(script, ['configure'], allPresent({ udevadm: 1 }));
    expect(udevDown.status).toBe(0);
    const bare = Object.fromEntries(['chmod', 'install', 'ln', 'mkdir', 'unshare'].map((name) => [name, 0]));
    const result = run(script, ['configure'], { ...bare, unshare: 1 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.calls).toContain(
      `ln [-sf] [${appDir}/${macros.executable}] [/usr/bin/${macros.executable}]`,
    );
    expect(result.calls).toContain(`chmod [4755] [${appDir}/chrome-sandbox]`);
    expect(result.calls.filter((call) => call.startsWith('install '))).toHaveLength(1);
  });
});

describe('the deb after-remove script', () => {
  const script = 'assets/udev/deb-after-remove.sh';

  it('uses only macros electron-builder defines and parses as POSIX sh', () => {
    writeFileSync(join(dir, 'check.sh'), expand(script));
    expect(spawnSync('/bin/sh', ['-n', join(dir, 'check.sh')]).status).toBe(0);
  });

  it('removes the udev rule and the command link, and reloads udev', () => {
    const result = run(script, ['remove'], allPresent());
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.calls).toContain(`rm [-f] [/etc/udev/rules.d/${rule}]`);
    expect(result.calls).toContain('udevadm [control] [--reload-rules]');
    expect(result.calls).toContain(
      `update-alternatives [--remove] [${macros.executable}] [${appDir}/${macros.executable}]`,
    );
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

// electron-builder's deb target, run on electron-builder.yml as it stands, up to the moment it would
// start fpm (fpm is Ruby and a download: neither is here). Its effectiveOptionComputed hook hands over
// the exact fpm arguments and, answering true, ends the build there. The unpacked app is a stand-in
// folder (prepackaged), so nothing is packed and no Electron is needed: about two seconds.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Arch, build, Platform } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagedUdevRulesPath } from '../../../src/main/core/health/udev-rule.js';
import { expandDebScript } from './deb-script-macros.js';

interface FpmCall {
  args: string[];
  /** The maintainer scripts electron-builder wrote for fpm, read while they still exist. */
  afterInstall: string;
  afterRemove: string;
}

const productName = (JSON.parse(readFileSync('package.json', 'utf8')) as { productName: string }).productName;

let work: string;
let fpm: FpmCall | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'deb-fpm-arguments-'));
  const appOutDir = join(work, 'linux-unpacked');
  mkdirSync(join(appOutDir, 'resources'), { recursive: true });
  await build({
    projectDir: process.cwd(),
    targets: Platform.LINUX.createTarget('deb', Arch.x64),
    prepackaged: appOutDir,
    // Merged over electron-builder.yml, which electron-builder loads itself: only the output moves.
    config: { directories: { output: join(work, 'release') } },
    publish: 'never',
    effectiveOptionComputed: (computed: unknown) => {
      const [args] = computed as [string[], string];
      const scriptAfter = (flag: string) => readFileSync(args[args.indexOf(flag) + 1] ?? '', 'utf8');
      fpm = {
        args,
        afterInstall: scriptAfter('--after-install'),
        afterRemove: scriptAfter('--after-remove'),
      };
      return Promise.resolve(true);
    },
  });
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function fpmCall(): FpmCall {
  if (!fpm) throw new Error('electron-builder never reached the point of starting fpm');
  return fpm;
}

/**
 * The files an fpm `-s dir` argument puts into the package, read as fpm's dir source does: `source=target`
 * where the whole argument names no existing path, the source relative to the folder fpm runs in.
 */
function mappings(args: string[]): { source: string; target: string }[] {
  return args
    .filter((arg) => /.=./.test(arg) && !arg.startsWith('-') && !existsSync(arg))
    .map((arg) => {
      const at = arg.indexOf('=');
      return { source: arg.slice(0, at), target: arg.slice(at + 1) };
    });
}

describe('the fpm arguments of the deb', () => {
  it('put the udev rule into the package at /usr/lib/udev/rules.d, read from assets/udev', () => {
    const files = mappings(fpmCall().args);
    const rule = files.filter((file) => file.target === packagedUdevRulesPath);
    expect(rule).toEqual([
      { source: 'assets/udev/99-provisioning-station.rules', target: packagedUdevRulesPath },
    ]);
    // electron-builder starts fpm in its own working folder, which npm run package makes the project
    // root: the source is the asset itself, byte for byte.
    const source = resolve(process.cwd(), rule[0]?.source ?? '');
    expect(readFileSync(source, 'utf8')).toBe(
      readFileSync('assets/udev/99-provisioning-station.rules', 'utf8'),
    );
  });

  it('ship nothing into /etc (the admin’s) and the app where the scripts look for it', () => {
    const files = mappings(fpmCall().args);
    expect(files.filter((file) => file.target.startsWith('/etc/'))).toEqual([]);
    expect(files.map((file) => file.target)).toContain(`/opt/${productName}`);
    // The rule in /usr/lib comes from no other argument (the app folder maps to /opt only).
    expect(files.filter((file) => file.target.startsWith('/usr/lib/'))).toHaveLength(1);
  });

  it('hand fpm our maintainer scripts, expanded as the script tests expand them', () => {
    const call = fpmCall();
    expect(call.afterInstall).toBe(expandDebScript('assets/udev/deb-after-install.sh'));
    expect(call.afterRemove).toBe(expandDebScript('assets/udev/deb-after-remove.sh'));
  });
});

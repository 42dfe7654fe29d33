// Packages the app as electron-builder does (unpacked Linux build, a stand-in Electron in place of the
// download) and checks what ends up in it: only the app and its production dependencies in app.asar,
// the fuses from build/fuses.yml in the binary, the native addons beside the archive.
// Needs out/ built (npm run build) and never builds it: other tests may be using it.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFuseSettings } from '../../build/after-pack.mjs';
import { type AsarEntry, asarEntries } from './asar-entries.js';
import { buildLinuxDir, type LinuxDirBuild, repoRoot } from './build-linux-dir.js';
import { createElectronStandIn, electron45Fuses } from './electron-stand-in.js';
import { dependencyClosure, packagesOnPath } from './production-closure.js';

const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
const builtApp = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
/**
 * Development tools that must never ship; the lockfile must agree they are dev-only. Not ws: it is
 * our devDependency, but mqtt depends on it too (its WebSocket transport), so it ships with mqtt.
 */
const knownDevOnly = [
  'vitest',
  'electron',
  'electron-builder',
  'electron-vite',
  'typescript',
  '@playwright/test',
  'playwright',
  'aws-iot-device-sdk-v2',
  'aws-crt',
  'vite',
  'tsx',
  'eslint',
  '@electron/fuses',
  '@electron/asar',
];

const closure = dependencyClosure(join(repoRoot, 'package-lock.json'));
const productionScopes = new Set([...closure.production].map((name) => name.split('/')[0]));

let work: string;
let build: LinuxDirBuild;
let oneFuseMore: LinuxDirBuild;
let entries: AsarEntry[];

beforeAll(async () => {
  const missing = builtApp.filter((file) => !existsSync(join(repoRoot, file)));
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} missing: run \`npm run build\` first (this test packages out/ as it is)`,
    );
  }
  work = mkdtempSync(join(tmpdir(), 'package-test-'));
  const states = electron45Fuses.map((fuse) => fuse.state);
  [build, oneFuseMore] = await Promise.all([
    buildLinuxDir({
      electronDist: createElectronStandIn(join(work, 'electron-45'), states),
      outputDir: join(work, 'release'),
      arch,
    }),
    // Only the fuse flip is on trial here, so this build packs package.json alone (seconds, not 20).
    buildLinuxDir({
      electronDist: createElectronStandIn(join(work, 'electron-one-fuse-more'), [...states, '1']),
      outputDir: join(work, 'release-one-fuse-more'),
      arch,
      extraArgs: ['-c.files=package.json', '-c.files=!**/node_modules/**'],
    }),
  ]);
  if (build.code !== 0) throw new Error(`electron-builder failed (${build.code}):\n${build.output}`);
  entries = asarEntries(join(build.appOutDir, 'resources', 'app.asar'));
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Whether an archive entry is part of the app: its bundles, package.json, production node_modules. */
function belongsInPackage(path: string): boolean {
  if (path === '/package.json' || path === '/out' || path === '/node_modules') return true;
  if (/^\/out\/(main|preload|renderer)(\/|$)/.test(path)) return true;
  if (!path.startsWith('/node_modules/')) return false;
  return packagesOnPath(path).every((name) =>
    name.endsWith('/') ? productionScopes.has(name.slice(0, -1)) : closure.production.has(name),
  );
}

/** The package names a bundle imports (`aws-amplify/auth` is `aws-amplify`), builtins left out. */
function importedPackages(code: string): Set<string> {
  const specifiers = [
    ...code.matchAll(/^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s*)?["']([^"']+)["']/gm),
    ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
    ...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g),
  ].map((match) => match[1] ?? '');
  const packages = new Set<string>();
  for (const specifier of specifiers) {
    if (specifier.startsWith('.') || isBuiltin(specifier)) continue;
    const parts = specifier.split('/');
    packages.add(specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? specifier));
  }
  return packages;
}

describe('the packaged app (electron-builder --dir --linux, stand-in Electron 45)', () => {
  it('holds in app.asar only package.json, out/main, out/preload, out/renderer and production node_modules', () => {
    const strays = entries.map((entry) => entry.path).filter((path) => !belongsInPackage(path));
    expect(strays).toEqual([]);
    // Not vacuous: the bundles and the dependencies are there.
    const paths = new Set(entries.map((entry) => entry.path));
    for (const file of [
      '/package.json',
      ...builtApp.map((file) => `/${file}`),
      '/node_modules/serialport/package.json',
    ]) {
      expect(paths, file).toContain(file);
    }
  });

  it('leaves out the test harness, dev-only packages, source maps and TypeScript sources', () => {
    for (const name of knownDevOnly)
      expect(closure.devOnly, `${name} is dev-only in package-lock.json`).toContain(name);
    const paths = entries.map((entry) => entry.path);
    expect(paths.filter((path) => path.startsWith('/out/harness'))).toEqual([]);
    const devPackages = paths.filter((path) =>
      packagesOnPath(path).some((name) => closure.devOnly.has(name)),
    );
    expect(devPackages).toEqual([]);
    expect(paths.filter((path) => path.endsWith('.map'))).toEqual([]);
    expect(paths.filter((path) => /\.[cm]?tsx?$/.test(path))).toEqual([]);
    expect(
      paths.filter((path) => /^\/(src|sandbox|test|docs|bench|scripts|assets|build)(\/|$)/.test(path)),
    ).toEqual([]);
  });

  it('carries every package the main bundle imports; the preload needs only electron', () => {
    const packaged = new Set(
      entries.flatMap((entry) => {
        const match = /^\/node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(entry.path);
        return match?.[1] ? [match[1]] : [];
      }),
    );
    const mainDir = join(repoRoot, 'out/main');
    const imported = new Set<string>();
    for (const file of readdirSync(mainDir).filter((name) => /\.[cm]?js$/.test(name))) {
      for (const name of importedPackages(readFileSync(join(mainDir, file), 'utf8'))) imported.add(name);
    }
    expect(imported).toContain('serialport');
    const absent = [...imported].filter((name) => name !== 'electron' && !packaged.has(name));
    expect(absent).toEqual([]);
    const preload = importedPackages(readFileSync(join(repoRoot, 'out/preload/index.cjs'), 'utf8'));
    expect([...preload]).toEqual(['electron']);
  });

  it('has every fuse of build/fuses.yml set in the packaged binary', async () => {
    const settings = readFuseSettings();
    const wire = await getCurrentFuseWire(join(build.appOutDir, 'provisioning-station'));
    const states = Object.entries(wire).filter(([key]) => key !== 'version');
    expect(states).toHaveLength(electron45Fuses.length);
    for (const [name, enabled] of Object.entries(settings)) {
      const index = FuseV1Options[name as keyof typeof FuseV1Options];
      expect(wire[index], name).toBe(enabled ? FuseState.ENABLE : FuseState.DISABLE);
    }
    // The hook did the work: Electron's defaults differ from ours (RunAsNode ships on).
    expect(electron45Fuses[FuseV1Options.RunAsNode]?.state).toBe('1');
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
  });

  it('fails the build for an Electron with a fuse that build/fuses.yml does not decide', () => {
    expect(oneFuseMore.code).not.toBe(0);
    expect(oneFuseMore.output).toMatch(
      /strictlyRequireAllFuses: The fuse wire in the Electron binary has 10 fuses/,
    );
  });

  it('keeps the native addons (serialport, usb) unpacked beside the archive', () => {
    const addons = entries.filter((entry) => entry.path.endsWith('.node'));
    expect(addons.filter((entry) => !entry.unpacked)).toEqual([]);
    const unpackedDir = join(build.appOutDir, 'resources', 'app.asar.unpacked');
    expect(addons.filter((entry) => !existsSync(join(unpackedDir, entry.path)))).toEqual([]);
    const forThisMachine = [
      `/node_modules/@serialport/bindings-cpp/prebuilds/linux-${arch}/@serialport+bindings-cpp.${arch === 'x64' ? '' : 'armv8.'}glibc.node`,
      `/node_modules/@node-usb/usb-linux-${arch}-gnu/usb.linux-${arch}-gnu.node`,
    ];
    for (const addon of forThisMachine) {
      expect(addons.map((entry) => entry.path)).toContain(addon);
      const header = readFileSync(join(unpackedDir, addon)).subarray(0, 4);
      expect(header.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])), `${addon} is an ELF library`).toBe(true);
    }
  });

  it('ships Electron’s licence and the sandbox helper beside the binary, and no stray udev copy', () => {
    expect(existsSync(join(build.appOutDir, 'udev'))).toBe(false);
    expect(existsSync(join(build.appOutDir, 'LICENSE.electron.txt'))).toBe(true);
    expect(existsSync(join(build.appOutDir, 'chrome-sandbox'))).toBe(true);
  });
});

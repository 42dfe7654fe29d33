// What electron-builder.yml asks of each installer, read from the file; the installers themselves need
// tools from the internet (fpm, appimagetool, NSIS, a Mac) and are not built here. The unpacked Linux
// build is checked by test/package/.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packagedUdevRulesPath } from '../../../src/main/core/health/udev-rule.js';

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  afterPack: string;
  electronFuses?: unknown;
  linux: { target: string[]; icon: string; extraFiles: { from: string; to: string }[] } & Record<
    string,
    unknown
  >;
  deb: { depends: string[]; afterInstall: string; afterRemove: string; fpm: string[] } & Record<
    string,
    unknown
  >;
  win: { target: string[] } & Record<string, unknown>;
  nsis: Record<string, unknown>;
  mac: { target: string[]; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string };
}

interface PackageJson {
  name: string;
  productName: string;
  version: string;
  homepage?: string;
  author?: { name?: string; email?: string };
}

const config = parse(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;
const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as PackageJson;

/** electron-builder's own schema: a key it does not know fails the build, late. */
const schema = JSON.parse(readFileSync('node_modules/app-builder-lib/scheme.json', 'utf8')) as {
  properties: Record<string, unknown>;
  definitions: Record<string, { properties: Record<string, unknown> }>;
};
const schemaKeys = (definition: string) =>
  Object.keys((definition === 'Configuration' ? schema : schema.definitions[definition])?.properties ?? {});

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    file,
  ).toBe(true);
  expect(bytes.subarray(12, 16).toString('latin1'), file).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('uses only keys electron-builder knows', () => {
    const sections: [Record<string, unknown>, string][] = [
      [config as unknown as Record<string, unknown>, 'Configuration'],
      [config.linux, 'LinuxConfiguration'],
      [config.deb, 'DebOptions'],
      [config.win, 'WindowsConfiguration'],
      [config.nsis, 'NsisOptions'],
      [config.mac as unknown as Record<string, unknown>, 'MacConfiguration'],
    ];
    for (const [section, definition] of sections) {
      const known = schemaKeys(definition);
      expect(known.length, definition).toBeGreaterThan(0);
      expect(
        Object.keys(section).filter((key) => !known.includes(key)),
        definition,
      ).toEqual([]);
    }
  });

  it('names the product as package.json does and gives the metadata installers show', () => {
    expect(config.appId).toBe('io.provisioningstation.app');
    expect(config.productName).toBe('Provisioning Station');
    expect(packageJson.productName).toBe(config.productName);
    expect(packageJson.version).toMatch(/^\d+\.\d+\.\d+/);
    // The deb's maintainer and the Windows publisher come from author; fpm refuses a deb without both.
    expect(packageJson.author?.name).toBeTruthy();
    expect(packageJson.author?.email).toMatch(/^[^@\s]+@[^@\s]+$/);
    expect(packageJson.homepage).toMatch(/^https:\/\//);
  });

  it('packs only the app bundles and package.json, never out/ as a whole (the harness writes there)', () => {
    expect(config.files).toEqual([
      'package.json',
      'out/main/**',
      'out/preload/**',
      'out/renderer/**',
      '!**/*.map',
      '!**/*.{ts,mts,cts,tsx}',
    ]);
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(false);
    expect(config.directories).toEqual({ output: 'release', buildResources: 'assets' });
  });

  it('sets the fuses through the afterPack hook, not electronFuses', () => {
    expect(config.electronFuses).toBeUndefined();
    expect(config.afterPack).toBe('./build/after-pack.mjs');
    expect(existsSync(config.afterPack)).toBe(true);
  });
});

describe('the Linux packages', () => {
  it('are an AppImage and a deb; only the deb carries the udev rule (as a file of the package)', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.extraFiles).toBeUndefined();
    expect(readFileSync('assets/udev/99-provisioning-station.rules', 'utf8')).toMatch(/GROUP="dialout"/);
  });

  it('put the udev rule into the deb as a file of the package, where the Bench health check looks', () => {
    // fpm's source=target: the deb owns /usr/lib/udev/rules.d/…, nothing in /etc (which fpm would
    // make a conffile, and which is the admin's).
    expect(config.deb.fpm).toEqual([`assets/udev/99-provisioning-station.rules=${packagedUdevRulesPath}`]);
    expect(packagedUdevRulesPath).toBe('/usr/lib/udev/rules.d/99-provisioning-station.rules');
    expect(config.deb.fpm.filter((arg) => /=\/etc\//.test(arg))).toEqual([]);
    // Only the deb: the AppImage has no package manager to own a file in /usr/lib.
    expect(config.linux.fpm).toBeUndefined();
  });

  it('install and remove the udev rule with executable scripts of their own', () => {
    expect(config.deb.afterInstall).toBe('assets/udev/deb-after-install.sh');
    expect(config.deb.afterRemove).toBe('assets/udev/deb-after-remove.sh');
    for (const script of [config.deb.afterInstall, config.deb.afterRemove]) {
      expect(statSync(script).mode & 0o111, `${script} is executable`).toBe(0o111);
      expect(readFileSync(script, 'utf8')).toMatch(/^#!\/bin\/sh\n/);
    }
  });

  it('depend on udev and still on the libraries Electron needs (depends replaces the default list)', () => {
    for (const name of [
      'udev',
      'libgtk-3-0',
      'libnss3',
      'libnotify4',
      'libxss1',
      'libxtst6',
      'libsecret-1-0',
    ]) {
      expect(config.deb.depends).toContain(name);
    }
  });

  it('use the icon set in the sizes of the hicolor theme', () => {
    expect(config.linux.icon).toBe('assets/icons');
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(`assets/icons/${size}x${size}.png`)).toEqual({ width: size, height: size });
    }
  });
});

describe('the Windows installer', () => {
  it('is an assisted NSIS installer for all users, with a folder choice and shortcuts', () => {
    expect(config.win.target).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({
      oneClick: false,
      perMachine: true,
      allowToChangeInstallationDirectory: true,
      createDesktopShortcut: 'always',
      createStartMenuShortcut: true,
      shortcutName: 'Provisioning Station',
      deleteAppDataOnUninstall: false,
    });
  });
});

describe('the macOS disk image', () => {
  it('uses the hardened runtime with only the JIT entitlement', () => {
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.entitlements).toBe('build/entitlements.mac.plist');
    expect(config.mac.entitlementsInherit).toBe(config.mac.entitlements);
    const plist = readFileSync(config.mac.entitlements, 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((match) => match[1]);
    expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
  });
});

describe('the application icon', () => {
  it('is a 1024x1024 PNG in the build resources, rendered from assets/icon.svg', () => {
    expect(pngSize(`${config.directories.buildResources}/icon.png`)).toEqual({ width: 1024, height: 1024 });
    expect(readFileSync('assets/icon.svg', 'utf8')).toMatch(/viewBox="0 0 1024 1024"/);
  });
});

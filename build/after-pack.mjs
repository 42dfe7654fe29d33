// electron-builder's afterPack hook: flips every fuse from build/fuses.yml into the packaged Electron
// binary. afterPack runs before electron-builder signs the app, so the signature covers the fuses.
// Not electron-builder's own `electronFuses` option: it cannot require that every fuse be set, and the
// @electron/fuses 1.8 it bundles has no name for Electron 45's ninth fuse (WasmTrapHandlers).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';
import { Arch } from 'electron-builder';
import { parse } from 'yaml';

/** The one place the fuse values are written; the package test reads the same file. */
export const fuseSettingsFile = new URL('./fuses.yml', import.meta.url);

/** Every fuse @electron/fuses can name, in wire order. */
export const knownFuses = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key)));

/**
 * The fuse settings as fuse name → value. A name @electron/fuses does not know, a value that is not
 * true or false, or a known fuse left out is an error: every fuse is decided, none by default.
 */
export function readFuseSettings(file = fuseSettingsFile) {
  const settings = parse(readFileSync(file, 'utf8'));
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    throw new Error(`${path.basename(String(file))}: expected a map of fuse names to true/false`);
  }
  for (const [name, value] of Object.entries(settings)) {
    if (!knownFuses.includes(name)) throw new Error(`fuses.yml: unknown fuse ${name}`);
    if (typeof value !== 'boolean') throw new Error(`fuses.yml: ${name} must be true or false`);
  }
  const missing = knownFuses.filter((name) => !(name in settings));
  if (missing.length > 0) throw new Error(`fuses.yml: no value for ${missing.join(', ')}`);
  return settings;
}

/** The @electron/fuses configuration for the settings; strict, so a fuse we do not set fails the flip. */
export function fuseConfig(settings, resetAdHocDarwinSignature) {
  const config = { version: FuseVersion.V1, strictlyRequireAllFuses: true, resetAdHocDarwinSignature };
  for (const [name, value] of Object.entries(settings)) config[FuseV1Options[name]] = value;
  return config;
}

/** The packaged binary that carries the fuse wire, where electron-builder puts it on each platform. */
export function electronBinaryPath({ appOutDir, electronPlatformName, packager }) {
  switch (electronPlatformName) {
    case 'linux':
      return path.join(appOutDir, packager.executableName);
    case 'win32':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'darwin':
    case 'mas':
      // @electron/fuses finds the framework binary inside the bundle.
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    default:
      throw new Error(`after-pack: no Electron binary known for platform ${electronPlatformName}`);
  }
}

/**
 * Whether the flip must re-sign the app ad hoc: changed bytes break the ad-hoc signature without
 * which an arm64 Mac refuses to start an app that is not signed yet.
 */
export function needsAdHocSignatureReset({ electronPlatformName, arch }) {
  const isMac = electronPlatformName === 'darwin' || electronPlatformName === 'mas';
  return isMac && (arch === Arch.arm64 || arch === Arch.universal);
}

export default async function afterPack(context) {
  const binary = electronBinaryPath(context);
  await flipFuses(binary, fuseConfig(readFuseSettings(), needsAdHocSignatureReset(context)));
  console.log(`  • after-pack: fuses from build/fuses.yml set in ${path.basename(binary)}`);
}

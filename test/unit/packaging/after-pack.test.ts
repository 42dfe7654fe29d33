import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { Arch } from 'electron-builder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import afterPack, {
  type AfterPackContext,
  electronBinaryPath,
  fuseConfig,
  knownFuses,
  needsAdHocSignatureReset,
  readFuseSettings,
} from '../../../build/after-pack.mjs';
import { electron45Fuses, writeElectronBinaryStandIn } from '../../package/electron-stand-in.js';

const electron45States = electron45Fuses.map((fuse) => fuse.state);

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'after-pack-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function linuxContext(): AfterPackContext {
  return {
    appOutDir: dir,
    electronPlatformName: 'linux',
    arch: Arch.x64,
    packager: {
      executableName: 'provisioning-station',
      appInfo: { productFilename: 'Provisioning Station' },
    },
  };
}

describe('build/after-pack.mjs', () => {
  it('sets every fuse of build/fuses.yml in an Electron 45 binary', async () => {
    const binary = join(dir, 'provisioning-station');
    writeElectronBinaryStandIn(binary, electron45States);
    await afterPack(linuxContext());
    const wire = await getCurrentFuseWire(binary);
    for (const [name, enabled] of Object.entries(readFuseSettings())) {
      expect(wire[FuseV1Options[name as keyof typeof FuseV1Options]], name).toBe(
        enabled ? FuseState.ENABLE : FuseState.DISABLE,
      );
    }
  });

  it('refuses, and changes nothing in, a binary with a fuse it has no setting for', async () => {
    const binary = join(dir, 'provisioning-station');
    writeElectronBinaryStandIn(binary, [...electron45States, '1']);
    const before = readFileSync(binary);
    await expect(afterPack(linuxContext())).rejects.toThrow(/strictlyRequireAllFuses.*10 fuses/);
    expect(readFileSync(binary).equals(before)).toBe(true);
  });

  it('names the binary where electron-builder puts it on each platform', () => {
    const context = linuxContext();
    expect(electronBinaryPath(context)).toBe(join(dir, 'provisioning-station'));
    expect(electronBinaryPath({ ...context, electronPlatformName: 'win32' })).toBe(
      join(dir, 'Provisioning Station.exe'),
    );
    expect(electronBinaryPath({ ...context, electronPlatformName: 'darwin' })).toBe(
      join(dir, 'Provisioning Station.app'),
    );
    expect(() => electronBinaryPath({ ...context, electronPlatformName: 'aix' })).toThrow(/aix/);
  });

  it('re-signs ad hoc only for Apple silicon builds', () => {
    expect(needsAdHocSignatureReset({ electronPlatformName: 'darwin', arch: Arch.arm64 })).toBe(true);
    expect(needsAdHocSignatureReset({ electronPlatformName: 'darwin', arch: Arch.universal })).toBe(true);
    expect(needsAdHocSignatureReset({ electronPlatformName: 'mas', arch: Arch.arm64 })).toBe(true);
    expect(needsAdHocSignatureReset({ electronPlatformName: 'darwin', arch: Arch.x64 })).toBe(false);
    expect(needsAdHocSignatureReset({ electronPlatformName: 'linux', arch: Arch.arm64 })).toBe(false);
  });

  it('asks @electron/fuses for every fuse, strictly', () => {
    const config = fuseConfig(readFuseSettings(), false) as unknown as Record<string, unknown>;
    expect(config.strictlyRequireAllFuses).toBe(true);
    expect(config.resetAdHocDarwinSignature).toBe(false);
    for (const name of knownFuses) expect(typeof config[FuseV1Options[name]], name).toBe('boolean');
  });
});

describe('build/fuses.yml', () => {
  const file = () => join(dir, 'fuses.yml');
  const allOff = () => knownFuses.map((name) => `${name}: false`);

  it('decides every fuse @electron/fuses knows, and that is every fuse Electron 45 has', () => {
    expect(Object.keys(readFuseSettings()).sort()).toEqual([...knownFuses].sort());
    expect(knownFuses).toHaveLength(electron45Fuses.length);
  });

  it('sets the fuses the security baseline requires', () => {
    expect(readFuseSettings()).toMatchObject({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      GrantFileProtocolExtraPrivileges: false,
    });
  });

  it('is refused with a fuse left out, a fuse unknown, or a value that is not true or false', () => {
    writeFileSync(file(), allOff().slice(1).join('\n'));
    expect(() => readFuseSettings(file())).toThrow(/no value for RunAsNode/);
    writeFileSync(file(), [...allOff(), 'RunAsDeno: false'].join('\n'));
    expect(() => readFuseSettings(file())).toThrow(/unknown fuse RunAsDeno/);
    writeFileSync(file(), [...allOff().slice(1), 'RunAsNode: "no"'].join('\n'));
    expect(() => readFuseSettings(file())).toThrow(/RunAsNode must be true or false/);
    writeFileSync(file(), allOff().join('\n'));
    expect(readFuseSettings(file()).RunAsNode).toBe(false);
  });
});

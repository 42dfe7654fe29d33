import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface BuilderConfig {
  asar: boolean;
  electronFuses: Record<string, boolean>;
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[] };
  files: string[];
}

const config = parse(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;

/** Every fuse electron-builder knows, read from its own schema so a new fuse fails this test until decided. */
const schema = JSON.parse(readFileSync('node_modules/app-builder-lib/scheme.json', 'utf8')) as {
  definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
};
const knownFuses = Object.keys(schema.definitions.FuseOptionsV1.properties);

describe('electron-builder.yml', () => {
  it('sets every Electron fuse explicitly', () => {
    expect(Object.keys(config.electronFuses).sort()).toEqual([...knownFuses].sort());
  });

  it('sets the security fuses the baseline requires', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
    });
  });

  it('builds asar packages for every platform and never ships the test harness', () => {
    expect(config.asar).toBe(true);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.files).toContain('!test/**');
  });
});

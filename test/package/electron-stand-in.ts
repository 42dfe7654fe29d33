import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** @electron/fuses' marker: the fuse wire follows it (version byte, length byte, one byte per fuse). */
const sentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * Electron 45's fuse wire as it ships, from electron/electron build/fuses/fuses.json5 (nine fuses
 * since v42: wasm_trap_handlers came with #48983). '1' on, '0' off; the order is the wire's.
 */
export const electron45Fuses: readonly { name: string; state: '0' | '1' }[] = [
  { name: 'run_as_node', state: '1' },
  { name: 'cookie_encryption', state: '0' },
  { name: 'node_options', state: '1' },
  { name: 'node_cli_inspect', state: '1' },
  { name: 'embedded_asar_integrity_validation', state: '0' },
  { name: 'only_load_app_from_asar', state: '0' },
  { name: 'load_browser_process_specific_v8_snapshot', state: '0' },
  { name: 'grant_file_protocol_extra_privileges', state: '1' },
  { name: 'wasm_trap_handlers', state: '1' },
];

/** The fuse wire bytes as Electron's build writes them: sentinel, version 1, count, states. */
export function fuseWire(states: readonly string[]): Buffer {
  return Buffer.concat([
    Buffer.from(sentinel),
    Buffer.from([1, states.length]),
    Buffer.from(states.join('')),
  ]);
}

/**
 * A small executable that stands where Electron's binary goes and carries its fuse wire. Started,
 * it says what it is and fails, so nobody mistakes a stand-in package for a working app.
 */
export function writeElectronBinaryStandIn(file: string, states: readonly string[]): void {
  const script = Buffer.from(
    '#!/bin/sh\necho "Electron stand-in for packaging tests, not a real Electron" >&2\nexit 1\n# fuse wire: ',
  );
  writeFileSync(file, Buffer.concat([script, fuseWire(states), Buffer.from('\n')]));
  chmodSync(file, 0o755);
}

/**
 * A folder laid out like Electron 45's electron-v45.x-linux-x64.zip, for electron-builder's
 * `electronDist`: the binary, the sandbox and crash helpers, the shared libraries and data files,
 * locales/, resources/, LICENSE files and `version`. Only the binary's fuse wire is real; the rest
 * are named placeholders, enough for electron-builder to copy, rename and license them.
 * resources/default_app.asar is left out: electron-builder deletes it from a downloaded zip but keeps
 * whatever an unpacked folder holds.
 */
export function createElectronStandIn(dir: string, states: readonly string[], version = '45.5.0'): string {
  mkdirSync(join(dir, 'locales'), { recursive: true });
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeElectronBinaryStandIn(join(dir, 'electron'), states);
  for (const helper of ['chrome-sandbox', 'chrome_crashpad_handler']) {
    writeFileSync(join(dir, helper), '#!/bin/sh\nexit 1\n');
    chmodSync(join(dir, helper), 0o755);
  }
  const dataFiles = [
    'chrome_100_percent.pak',
    'chrome_200_percent.pak',
    'resources.pak',
    'icudtl.dat',
    'snapshot_blob.bin',
    'v8_context_snapshot.bin',
    'libEGL.so',
    'libGLESv2.so',
    'libffmpeg.so',
    'libvk_swiftshader.so',
    'libvulkan.so.1',
    'vk_swiftshader_icd.json',
  ];
  for (const name of dataFiles) writeFileSync(join(dir, name), `stand-in ${name}\n`);
  for (const locale of ['en-US', 'de', 'fr'])
    writeFileSync(join(dir, 'locales', `${locale}.pak`), 'stand-in\n');
  writeFileSync(join(dir, 'LICENSE'), 'Stand-in for Electron’s MIT licence text.\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<!doctype html><title>Stand-in</title>\n');
  writeFileSync(join(dir, 'version'), version);
  return dir;
}

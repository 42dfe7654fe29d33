import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  closedPort,
  copyElectronPackage,
  electronVersion,
  makeTempDir,
  repoRoot,
  serveMirror,
  shasumsPath,
  zipName,
  zipPath,
  type StandInMirror,
} from './electron-stand-ins.js';
import { storedZip } from './stored-zip.js';

/**
 * scripts/electron-binary.mjs against a copy of the electron package: the download goes through the
 * package's own install.js and @electron/get, from a loopback mirror serving a real zip.
 */

type ElectronBinary = (
  electronDir: string,
  env: NodeJS.ProcessEnv,
  options?: { announce?: (line: string) => void },
) => Promise<{ ok: true; binary: string; downloaded: boolean } | { ok: false; line: string }>;

const moduleUrl = pathToFileURL(join(repoRoot, 'scripts', 'electron-binary.mjs')).href;
// A plain .mjs script has no types; this is the contract start.mjs relies on.
const { electronBinary } = (await import(moduleUrl)) as { electronBinary: ElectronBinary };
const nodePath = join(repoRoot, 'node_modules');
const standInScript = '#!/bin/sh\necho "stand-in electron $*"\n';
const tempDirs: string[] = [];
const mirrors: StandInMirror[] = [];

afterEach(async () => {
  await Promise.all(mirrors.splice(0).map((mirror) => mirror.close()));
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A temp folder with a fresh copy of the electron package and a cache of its own. */
function workspace(): { copy: string; cache: string; tmp: string } {
  const tmp = makeTempDir('electron-binary');
  tempDirs.push(tmp);
  return { copy: copyElectronPackage(tmp), cache: join(tmp, 'cache'), tmp };
}

function downloadEnv(
  space: { cache: string; tmp: string },
  mirror: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return cleanEnv({
    NODE_PATH: nodePath,
    ELECTRON_MIRROR: mirror,
    electron_use_remote_checksums: '1',
    electron_config_cache: space.cache,
    TMPDIR: space.tmp,
    ...extra,
  });
}

async function mirrorOf(files: Map<string, Buffer>): Promise<StandInMirror> {
  const mirror = await serveMirror(files);
  mirrors.push(mirror);
  return mirror;
}

/** A mirror serving a zip with a stand-in `electron`, and SHASUMS256.txt listing `listedHash`. */
async function electronMirror(listedHash?: string): Promise<{ mirror: StandInMirror; zip: Buffer }> {
  const zip = storedZip([
    { name: 'electron', data: Buffer.from(standInScript), mode: 0o755 },
    { name: 'version', data: Buffer.from(electronVersion), mode: 0o644 },
  ]);
  const shasums = `${listedHash ?? sha256(zip)} *${zipName}\n`;
  const mirror = await mirrorOf(
    new Map([
      [zipPath, zip],
      [shasumsPath, Buffer.from(shasums)],
    ]),
  );
  return { mirror, zip };
}

/** Runs the lookup in a child the way start.mjs does, so its whole terminal output can be seen. */
function lookUpInChild(
  copy: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `const { electronBinary } = await import(process.argv[1]);
const electron = await electronBinary(process.argv[2], process.env);
if (!electron.ok) { console.error(electron.line); process.exit(1); }
console.log(electron.binary);`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, moduleUrl, copy], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function expectNothingExtracted(copy: string, cache: string): void {
  expect(existsSync(join(copy, 'dist'))).toBe(false);
  expect(existsSync(join(copy, 'path.txt'))).toBe(false);
  expect(existsSync(cache) ? readdirSync(cache, { recursive: true }) : []).toEqual([]);
}

/** One line on stderr, naming the harness, with no stack frames. */
function expectOneCleanLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).toContain('`npm run harness`');
  return lines[0] ?? '';
}

// The stand-in Electron is a shell script named `electron`, the Linux binary's name.
describe.skipIf(process.platform !== 'linux')(
  'the Electron binary for npm start (Linux only: the stand-in Electron is a shell script)',
  () => {
    it('downloads Electron through its own install.js when the binary is missing, then reuses it', async () => {
      const space = workspace();
      const { mirror } = await electronMirror();
      const announced: string[] = [];

      const found = await electronBinary(space.copy, downloadEnv(space, mirror.url), {
        announce: (line) => announced.push(line),
      });

      const binary = join(space.copy, 'dist', 'electron');
      expect(found).toEqual({ ok: true, binary, downloaded: true });
      expect(announced).toEqual([
        `Provisioning Station: downloading Electron ${electronVersion} for ${process.platform}-${process.arch} (about 100 MB, first start only)...`,
      ]);
      // @electron/get fetched the checksums and the zip from the mirror; install.js extracted it.
      expect(mirror.requests).toEqual(expect.arrayContaining([shasumsPath, zipPath]));
      expect(readFileSync(join(space.copy, 'path.txt'), 'utf8')).toBe('electron');
      expect(readFileSync(binary, 'utf8')).toBe(standInScript);
      expect(statSync(binary).mode & 0o111).not.toBe(0);
      // The download landed in the cache we named, not the user's.
      expect(readdirSync(space.cache, { recursive: true }).map(String)).toContainEqual(
        expect.stringContaining(zipName),
      );

      // Present now: found again without another request.
      const requestsBefore = mirror.requests.length;
      const again = await electronBinary(space.copy, downloadEnv(space, mirror.url), {
        announce: (line) => announced.push(line),
      });
      expect(again).toEqual({ ok: true, binary, downloaded: false });
      expect(mirror.requests).toHaveLength(requestsBefore);
      expect(announced).toHaveLength(1);
    });

    it('explains a mirror nobody listens on in one line, with no stack trace and nothing extracted', async () => {
      const space = workspace();
      const port = await closedPort();

      const result = await lookUpInChild(space.copy, downloadEnv(space, `http://127.0.0.1:${port}/`));

      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`downloading Electron ${electronVersion}`);
      const line = expectOneCleanLine(result.stderr);
      expect(line).toBe(
        `Provisioning Station: Electron ${electronVersion} could not be downloaded (connect ECONNREFUSED 127.0.0.1:${port}); check the network, the proxy (ELECTRON_GET_USE_PROXY=1 with HTTPS_PROXY) and ELECTRON_MIRROR, or run \`npm run harness\` to use the station in a browser.`,
      );
      expectNothingExtracted(space.copy, space.cache);
    });

    it('explains a mirror answering 404 in one line, naming the status and the URL', async () => {
      const space = workspace();
      const mirror = await mirrorOf(new Map());

      const result = await lookUpInChild(space.copy, downloadEnv(space, mirror.url));

      expect(result.code).toBe(1);
      expect(mirror.requests.length).toBeGreaterThan(0);
      const line = expectOneCleanLine(result.stderr);
      expect(line).toContain(`could not be downloaded (HTTP 404 Not Found for ${mirror.url.slice(0, -1)}`);
      expect(line).toContain('ELECTRON_MIRROR');
      expectNothingExtracted(space.copy, space.cache);
    });

    it('explains a download that fails its checksum, and extracts nothing', async () => {
      const space = workspace();
      const { mirror } = await electronMirror(sha256(Buffer.from('some other zip')));

      const result = await lookUpInChild(space.copy, downloadEnv(space, mirror.url));

      expect(result.code).toBe(1);
      expect(mirror.requests).toContain(zipPath);
      expect(expectOneCleanLine(result.stderr)).toContain(
        `could not be downloaded (checksum mismatch for ${zipName})`,
      );
      expectNothingExtracted(space.copy, space.cache);
    });

    it('does not download when ELECTRON_SKIP_BINARY_DOWNLOAD is set, and says that is why', async () => {
      const space = workspace();
      const { mirror } = await electronMirror();

      const result = await lookUpInChild(
        space.copy,
        downloadEnv(space, mirror.url, { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }),
      );

      expect(result.code).toBe(1);
      expect(mirror.requests).toEqual([]);
      expect(result.stdout).not.toContain('downloading');
      expect(expectOneCleanLine(result.stderr)).toContain(
        'its download was skipped because ELECTRON_SKIP_BINARY_DOWNLOAD is set',
      );
      expectNothingExtracted(space.copy, space.cache);
    });

    it('uses ELECTRON_OVERRIDE_DIST_PATH without downloading, and says when nothing is there', async () => {
      const space = workspace();
      const { mirror } = await electronMirror();
      const overrideDir = makeTempDir('electron-override');
      tempDirs.push(overrideDir);
      const announced: string[] = [];
      const announce = (line: string): number => announced.push(line);

      const missing = await electronBinary(
        space.copy,
        downloadEnv(space, mirror.url, { ELECTRON_OVERRIDE_DIST_PATH: overrideDir }),
        { announce },
      );
      expect(missing).toEqual({
        ok: false,
        line: expect.stringContaining(
          `ELECTRON_OVERRIDE_DIST_PATH is set but ${join(overrideDir, 'electron')} does not exist`,
        ),
      });

      writeFileSync(join(overrideDir, 'electron'), standInScript);
      chmodSync(join(overrideDir, 'electron'), 0o755);
      const found = await electronBinary(
        space.copy,
        downloadEnv(space, mirror.url, { ELECTRON_OVERRIDE_DIST_PATH: overrideDir }),
        { announce },
      );
      expect(found).toEqual({ ok: true, binary: join(overrideDir, 'electron'), downloaded: false });
      expect(mirror.requests).toEqual([]);
      expect(announced).toEqual([]);
      expectNothingExtracted(space.copy, space.cache);
    });
  },
);

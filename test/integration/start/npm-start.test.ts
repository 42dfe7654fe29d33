import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  closedPort,
  electronVersion,
  makeTempDir,
  repoElectron,
  repoRoot,
} from './electron-stand-ins.js';

/**
 * `npm start` end to end (`node scripts/start.mjs`), against the repo's own electron package, which
 * holds no binary here. Only the first test builds; nothing may ever appear in node_modules/electron.
 */

const builtMain = join(repoRoot, 'out', 'main', 'index.js');
const tempDirs: string[] = [];

afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(label: string): string {
  const dir = makeTempDir(label);
  tempDirs.push(dir);
  return dir;
}

function npmStart(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join('scripts', 'start.mjs'), ...args], { cwd: repoRoot, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function mtime(file: string): number {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

// The stand-in Electron is a shell script named `electron`, the Linux binary's name.
// Once a contributor's `npm start` has downloaded the real binary, no download is attempted any more.
const repoHasBinary = existsSync(join(repoElectron, 'path.txt')) || existsSync(join(repoElectron, 'dist'));
if (repoHasBinary) {
  console.warn('npm start download test skipped: node_modules/electron already holds a downloaded binary');
}

describe.skipIf(process.platform !== 'linux')(
  'npm start (Linux only: the stand-in Electron is a shell script)',
  () => {
    it('builds and starts Electron from ELECTRON_OVERRIDE_DIST_PATH with "." and the given arguments', async () => {
      const overrideDir = tempDir('start-override');
      const record = join(overrideDir, 'record.txt');
      const standIn = join(overrideDir, 'electron');
      writeFileSync(standIn, `#!/bin/sh\nprintf '%s\\n' "$PWD" "$@" > '${record}'\n`);
      chmodSync(standIn, 0o755);
      const builtBefore = mtime(builtMain);
      const started = Date.now();

      const result = await npmStart(['--some-arg'], cleanEnv({ ELECTRON_OVERRIDE_DIST_PATH: overrideDir }));

      expect(result.stderr).not.toMatch(/could not|not installed/);
      expect(result.code).toBe(0);
      expect(result.stdout).not.toContain('downloading Electron');
      // electron-vite build ran in this start: the main bundle is fresh.
      expect(mtime(builtMain)).toBeGreaterThan(builtBefore);
      expect(mtime(builtMain)).toBeGreaterThanOrEqual(started - 1_000);
      expect(readFileSync(record, 'utf8').split('\n')).toEqual([repoRoot, '.', '--some-arg', '']);
    }, 60_000);

    it.skipIf(repoHasBinary)(
      'shows the download attempt and one clean line when Electron cannot be downloaded (skipped where node_modules/electron already holds a binary)',
      async () => {
        const cache = tempDir('start-cache');
        const port = await closedPort();
        const builtBefore = mtime(builtMain);

        const result = await npmStart(
          ['--some-arg'],
          cleanEnv({
            ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
            electron_config_cache: cache,
            TMPDIR: cache,
          }),
        );

        expect(result.code).toBe(1);
        expect(result.stdout).toContain(
          `Provisioning Station: downloading Electron ${electronVersion} for ${process.platform}-${process.arch} (about 100 MB, first start only)...`,
        );
        expect(result.stderr).toBe(
          `Provisioning Station: Electron ${electronVersion} could not be downloaded (connect ECONNREFUSED 127.0.0.1:${port}); check the network, the proxy (ELECTRON_GET_USE_PROXY=1 with HTTPS_PROXY) and ELECTRON_MIRROR, or run \`npm run harness\` to use the station in a browser.\n`,
        );
        // It stopped before building, and wrote nothing into the repo's electron package.
        expect(mtime(builtMain)).toBe(builtBefore);
        expect(existsSync(join(repoElectron, 'dist'))).toBe(false);
        expect(existsSync(join(repoElectron, 'path.txt'))).toBe(false);
      },
      30_000,
    );
  },
);

// Stand-ins for fetching Electron: a copy of the electron package outside the repo (so nothing is
// ever written into the repo's node_modules/electron), a loopback download mirror, and an
// environment free of the caller's Electron settings.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
export const repoElectron = join(repoRoot, 'node_modules', 'electron');
export const electronVersion = (
  JSON.parse(readFileSync(join(repoElectron, 'package.json'), 'utf8')) as { version: string }
).version;
/** What @electron/get asks a mirror for on this machine. */
export const zipName = `electron-v${electronVersion}-${process.platform}-${process.arch}.zip`;
export const zipPath = `/v${electronVersion}/${zipName}`;
export const shasumsPath = `/v${electronVersion}/SHASUMS256.txt`;

const packageFiles = ['index.js', 'install.js', 'package.json', 'checksums.json', 'cli.js'];

/** `<tmp>/node_modules/electron` holding the package's own files, no binary. */
export function copyElectronPackage(tmp: string): string {
  const copy = join(tmp, 'node_modules', 'electron');
  mkdirSync(copy, { recursive: true });
  for (const file of packageFiles) copyFileSync(join(repoElectron, file), join(copy, file));
  return copy;
}

export function makeTempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `station-${label}-`));
}

/**
 * The caller's environment without anything that steers an Electron download (mirrors, caches,
 * overrides, npm's electron_* config), so a developer's own settings cannot change the outcome.
 */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const steering =
    /^(electron_|npm_config_electron|npm_package_config_electron|npm_config_(platform|arch)$|force_no_cache$)/i;
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!steering.test(key)) env[key] = value;
  return { ...env, ELECTRON_GET_NO_PROGRESS: '1', ...extra };
}

export interface StandInMirror {
  /** Base URL in the form ELECTRON_MIRROR expects (trailing slash). */
  url: string;
  /** Paths requested so far. */
  requests: string[];
  close(): Promise<void>;
}

/** A loopback HTTP mirror serving `files` by path and 404 for anything else. */
export async function serveMirror(files: ReadonlyMap<string, Buffer>): Promise<StandInMirror> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? '';
    requests.push(path);
    const body = files.get(path);
    if (body) response.writeHead(200, { 'content-length': body.length }).end(body);
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port that was just free: nothing listens there. */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

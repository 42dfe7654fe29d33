import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * The sandbox's data directory: one file per service plus a manifest that says the directory is a
 * sandbox's (so `reset` never wipes a directory it did not create) and which region and account its
 * ids and ARNs belong to, and a lock naming the process that uses it (two sandboxes writing the same
 * state files would lose each other's changes).
 */

export const DEFAULT_DATA_DIR = '.sandbox-data';

export interface SandboxDataPaths {
  dir: string;
  manifest: string;
  lock: string;
  userPool: string;
  identityPool: string;
  registry: string;
  /** The station profile written at every start. */
  profile: string;
  /** Written by the sandbox CA (its own file names). */
  caCertificate: string;
}

export function sandboxDataPaths(dir: string): SandboxDataPaths {
  const absolute = resolve(dir);
  return {
    dir: absolute,
    manifest: join(absolute, 'sandbox.json'),
    lock: join(absolute, 'sandbox.lock'),
    userPool: join(absolute, 'cognito-user-pool.json'),
    identityPool: join(absolute, 'cognito-identity-pool.json'),
    registry: join(absolute, 'iot-registry.json'),
    profile: join(absolute, 'station-profile.json'),
    caCertificate: join(absolute, 'ca-certificate.pem'),
  };
}

const manifestSchema = z.object({
  kind: z.literal('provisioning-station-sandbox'),
  version: z.literal(1),
  region: z.string(),
  accountId: z.string(),
  createdAt: z.string(),
});

/** Processes (this one included) that hold a data dir right now; the lock file covers other processes. */
const openInThisProcess = new Set<string>();

export interface OpenedDataDir {
  paths: SandboxDataPaths;
  /** Removes the lock; call when the sandbox stops. */
  release(): void;
}

/**
 * Opens (creating when needed) a data directory for a sandbox of `region`/`accountId`. Refuses a
 * directory made for another region or account, and one another running sandbox holds.
 */
export function openDataDir(dir: string, identity: { region: string; accountId: string }): OpenedDataDir {
  const paths = sandboxDataPaths(dir);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  if (existsSync(paths.manifest)) {
    const manifest = readManifest(paths);
    if (manifest.region !== identity.region || manifest.accountId !== identity.accountId) {
      throw new Error(
        `Sandbox data directory ${paths.dir} was created for region ${manifest.region}, account ` +
          `${manifest.accountId}, not ${identity.region}, ${identity.accountId}. Start with that region and ` +
          `account, another --data-dir, or run "reset" on it first.`,
      );
    }
  } else {
    const manifest: z.infer<typeof manifestSchema> = {
      kind: 'provisioning-station-sandbox',
      version: 1,
      ...identity,
      createdAt: new Date().toISOString(),
    };
    writeFileSync(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o644 });
  }
  const holder = lockHolder(paths);
  if (openInThisProcess.has(paths.dir) || (holder !== undefined && holder !== process.pid)) {
    throw new Error(
      `Sandbox data directory ${paths.dir} is in use by a running sandbox (process ${holder ?? process.pid}). ` +
        'Stop it first, or use another --data-dir.',
    );
  }
  writeFileSync(paths.lock, `${process.pid}\n`, { mode: 0o644 });
  openInThisProcess.add(paths.dir);
  let released = false;
  return {
    paths,
    release() {
      if (released) return;
      released = true;
      if (lockHolder(paths) === process.pid) rmSync(paths.lock, { force: true });
      openInThisProcess.delete(paths.dir);
    },
  };
}

/**
 * Deletes a sandbox data directory and everything in it (users, registry, CA, signing keys).
 * Refuses a directory without the sandbox manifest unless it is empty, and one in use.
 */
export function resetDataDir(dir: string): { removed: boolean; dir: string } {
  const paths = sandboxDataPaths(dir);
  if (!existsSync(paths.dir)) return { removed: false, dir: paths.dir };
  if (!existsSync(paths.manifest) && readdirSync(paths.dir).length > 0) {
    throw new Error(
      `${paths.dir} does not look like a sandbox data directory (no sandbox.json), so reset leaves it ` +
        'alone. Check the path; delete it yourself if it really is sandbox data.',
    );
  }
  const holder = lockHolder(paths);
  if (openInThisProcess.has(paths.dir) || holder !== undefined) {
    throw new Error(
      `Sandbox data directory ${paths.dir} is in use by a running sandbox (process ${holder ?? process.pid}). ` +
        'Stop it (Ctrl+C) before resetting.',
    );
  }
  rmSync(paths.dir, { recursive: true, force: true });
  return { removed: true, dir: paths.dir };
}

function readManifest(paths: SandboxDataPaths): z.infer<typeof manifestSchema> {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(paths.manifest, 'utf8'));
  } catch (error) {
    throw new Error(
      `${paths.manifest} is unreadable (${(error as Error).message}); run "reset" on ${paths.dir} to start over.`,
      { cause: error },
    );
  }
  const parsed = manifestSchema.safeParse(document);
  if (!parsed.success) {
    throw new Error(
      `${paths.manifest} is not a sandbox manifest; run "reset" on ${paths.dir} to start over.`,
    );
  }
  return parsed.data;
}

/** The pid in the lock file when that process still runs; a stale lock (crash, kill -9) counts as free. */
function lockHolder(paths: SandboxDataPaths): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(paths.lock, 'utf8').trim(), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (pid === process.pid) return openInThisProcess.has(paths.dir) ? pid : undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

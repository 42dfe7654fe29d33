import { readFileSync } from 'node:fs';

interface LockEntry {
  dev?: boolean;
  link?: boolean;
}

interface Lockfile {
  packages: Record<string, LockEntry>;
}

/** Package names of the lockfile, split by whether npm needs them outside development. */
export interface DependencyClosure {
  /** Every package some production dependency pulls in (npm leaves `dev` off them). */
  production: ReadonlySet<string>;
  /** Packages present only for development: every lockfile entry of the name is `dev`. */
  devOnly: ReadonlySet<string>;
}

/** The package name of a lockfile key: `node_modules/a/node_modules/@s/b` is `@s/b`. */
function packageName(key: string): string {
  return key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/**
 * The production dependency closure, from package-lock.json: npm marks `dev` every package that
 * only devDependencies reach, so the rest is what a packaged app may carry.
 */
export function dependencyClosure(lockfilePath: string): DependencyClosure {
  const lock = JSON.parse(readFileSync(lockfilePath, 'utf8')) as Lockfile;
  const production = new Set<string>();
  const dev = new Set<string>();
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key.includes('node_modules/') || entry.link) continue;
    (entry.dev ? dev : production).add(packageName(key));
  }
  return { production, devOnly: new Set([...dev].filter((name) => !production.has(name))) };
}

/**
 * The packages an archive path passes through: `/node_modules/a/node_modules/@s/b/x.js` gives
 * `a` and `@s/b`. A bare scope folder (`/node_modules/@s`) gives `@s/`.
 */
export function packagesOnPath(entry: string): string[] {
  const parts = entry.split('/');
  const names: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] !== 'node_modules') continue;
    const first = parts[i + 1];
    if (first === undefined) continue;
    if (!first.startsWith('@')) names.push(first);
    else names.push(parts[i + 2] === undefined ? `${first}/` : `${first}/${parts[i + 2]}`);
  }
  return names;
}

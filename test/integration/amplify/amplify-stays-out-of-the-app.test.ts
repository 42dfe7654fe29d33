import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../support/synthesize-backend.js';

/**
 * amplify/ is the device maker's deploy tooling, not part of the station: electron-vite bundles
 * what src/ imports, so nothing in src/ (nor the sandbox, which seeds from backend-definition/)
 * may import amplify/ or the packages only it needs; those stay devDependencies.
 */

const backendOnlyPackages = ['@aws-amplify/backend', '@aws-amplify/backend-cli', 'aws-cdk-lib', 'constructs'];

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(?:ts|tsx|mts|js|mjs)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function specifiersOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  return [...text.matchAll(pattern)].map((match) => match[1] ?? '');
}

describe('the packaged app', () => {
  it('never imports amplify/ or a package only the Amplify backend needs', () => {
    const offending: string[] = [];
    for (const folder of ['src', 'sandbox']) {
      for (const file of sourceFiles(join(repositoryRoot, folder))) {
        for (const specifier of specifiersOf(file)) {
          const backendPackage = backendOnlyPackages.some(
            (name) => specifier === name || specifier.startsWith(`${name}/`),
          );
          if (backendPackage || /(?:^|\/)amplify\//.test(specifier)) {
            offending.push(`${relative(repositoryRoot, file)} imports ${specifier}`);
          }
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('keeps those packages out of the production dependencies', () => {
    const manifest = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const name of [...backendOnlyPackages, 'esbuild']) {
      expect(manifest.dependencies[name], name).toBeUndefined();
      expect(manifest.devDependencies[name], name).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** amplify.yml: what Amplify Hosting runs for a connected app's branch. */

interface BuildSpec {
  version?: number;
  backend?: { phases?: { build?: { commands?: string[] } } };
  frontend?: {
    phases?: { build?: { commands?: string[] } };
    artifacts?: { baseDirectory?: string; files?: string[] };
  };
}

const spec = parse(readFileSync(join(import.meta.dirname, '../../../amplify.yml'), 'utf8')) as BuildSpec;

describe('amplify.yml', () => {
  it('installs without the desktop binaries, then deploys the branch being built', () => {
    expect(spec.version).toBe(1);
    expect(spec.backend?.phases?.build?.commands).toEqual([
      'ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --cache .npm --prefer-offline',
      'npx ampx pipeline-deploy --branch $AWS_BRANCH --app-id $AWS_APP_ID',
    ]);
  });

  it('publishes no website: the frontend artifact is one empty page, built from nothing', () => {
    const commands = spec.frontend?.phases?.build?.commands ?? [];
    expect(commands).toEqual(['mkdir -p ./dist && touch ./dist/index.html']);
    expect(commands.join('\n')).not.toMatch(/npm run|vite|electron/);
    expect(spec.frontend?.artifacts).toEqual({ baseDirectory: 'dist', files: ['**/*'] });
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

const projectRoot = resolve(import.meta.dirname, '../../..');

/** Where the electron package keeps its binary, when the download at install time succeeded. */
function electronBinary(): string | undefined {
  const pathFile = join(projectRoot, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(projectRoot, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
if (!binary) {
  console.log(
    'electron project skipped: no Electron binary in node_modules/electron/dist (it is downloaded on install on a normal machine and cannot be downloaded here); the harness project covers the renderer, preload API and core.',
  );
}

test.describe('the packaged app in Electron', () => {
  test.skip(!binary, 'No Electron binary on this machine (downloads are impossible here).');

  test('opens one sandboxed window showing the station version', async () => {
    const app = await electron.launch({ executablePath: binary, args: [projectRoot] });
    try {
      const window = await app.firstWindow();
      await expect(window.getByTestId('app-version')).toBeVisible();
      const hasNode = await window.evaluate(() => typeof (globalThis as { require?: unknown }).require);
      expect(hasNode).toBe('undefined');
      expect(window.url()).toMatch(/^app:\/\/station\//);
    } finally {
      await app.close();
    }
  });
});

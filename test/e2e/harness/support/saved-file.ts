import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import type { StationTarget } from './station-test.js';

export interface SavedFile {
  fileName: string;
  content: string;
}

/**
 * Presses a button that saves a file made in the page (a Blob behind a download link) and returns
 * what was saved. In the harness that is the browser's own download, as the operator finds it.
 * Electron would open its native save dialog, which Playwright cannot answer: there the link's
 * blob is read in the page and the dialog is not opened.
 */
export async function saveFrom(page: Page, button: Locator, target: StationTarget): Promise<SavedFile> {
  if (target === 'harness') {
    const download = page.waitForEvent('download');
    await button.click();
    const saved = await download;
    return { fileName: saved.suggestedFilename(), content: await readFile(await saved.path(), 'utf8') };
  }
  await page.evaluate(() => {
    interface Link {
      download: string;
      href: string;
    }
    const scope = globalThis as unknown as {
      document: {
        addEventListener(
          type: string,
          listener: (event: { target: unknown; preventDefault(): void }) => void,
          capture: boolean,
        ): void;
      };
      fetch(url: string): Promise<{ text(): Promise<string> }>;
      savedFile?: Promise<{ fileName: string; content: string }>;
    };
    scope.document.addEventListener(
      'click',
      (event) => {
        const link = event.target as Link;
        if (!link.download) return;
        event.preventDefault();
        scope.savedFile = scope
          .fetch(link.href)
          .then((response) => response.text())
          .then((content) => ({ fileName: link.download, content }));
      },
      true,
    );
  });
  await button.click();
  return page.evaluate(() => (globalThis as unknown as { savedFile: Promise<SavedFile> }).savedFile);
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './accessibility.js';
import { projectRoot } from './harness-process.js';

/** Every screen's picture, kept after the run (Playwright cleans its per-test folders, not this one's files). */
export const screensDirectory = join(projectRoot, 'test-results', 'screens');

/**
 * Saves a full-page screenshot of the screen as `test-results/screens/<project>/<name>.png`, attaches
 * it to the test, and checks the screen with axe-core. Called once the screen shows what it is named for.
 */
export async function captureScreen(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const directory = join(screensDirectory, testInfo.project.name);
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  await expectNoSeriousA11yViolations(page, name);
}

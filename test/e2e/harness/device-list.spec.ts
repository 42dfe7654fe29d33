import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { PtyPair } from '../../../sandbox/devices/pty-pair.js';
import { projectRoot, startHarnessProcess, type HarnessProcess } from './support/harness-process.js';
import { seeded, signIn } from './support/station-flows.js';

const packageVersion = (
  JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }
).version;

let harness: HarnessProcess;
let dataDirectory: string;
let portsDirectory: string;

test.beforeAll(async () => {
  dataDirectory = mkdtempSync(join(tmpdir(), 'station-e2e-device-list-'));
  portsDirectory = mkdtempSync(join(tmpdir(), 'station-e2e-ports-'));
  // The embedded sandbox without simulated devices: only the ports this spec makes appear.
  harness = await startHarnessProcess({
    dataDirectory,
    devices: 0,
    portPatterns: [`${portsDirectory}/tty-*`],
  });
});

test.afterAll(async () => {
  await harness.stop();
  rmSync(portsDirectory, { recursive: true, force: true });
  rmSync(dataDirectory, { recursive: true, force: true });
});

/**
 * The port list and settings live on the batch set-up screen, folded under "Serial ports". The
 * station is shared by this file's tests: an earlier one may have signed in already.
 */
async function openSerialPorts(page: Page): Promise<void> {
  await page.goto(harness.url);
  const setup = page.getByRole('heading', { level: 1, name: 'Start a batch' });
  await expect(setup.or(page.getByRole('heading', { level: 1, name: 'Sign in' }))).toBeVisible();
  if (!(await setup.isVisible())) await signIn(page, seeded.installer);
  await page.getByText(/^Serial ports — \d+ ports? seen$/).click();
}

test('shows the station version from the core', async ({ page }) => {
  await page.goto(harness.url);
  await expect(page.getByTestId('app-version')).toHaveText(`v${packageVersion}`);
  await expect(page.getByTestId('app-status')).toContainText('Sandbox (embedded)');
});

test('a pseudo-terminal device appears and disappears live', async ({ page }) => {
  await openSerialPorts(page);
  const stationPath = join(portsDirectory, 'tty-bench-1');
  const row = page.locator(`[data-testid="device-row"][data-path="${stationPath}"]`);
  await expect(row).toHaveCount(0);

  let pair: PtyPair | undefined = await PtyPair.create(stationPath, join(portsDirectory, 'device-end-1'));
  try {
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('configured');
    await pair.destroy();
    pair = undefined;
    await expect(row).toHaveCount(0);
  } finally {
    await pair?.destroy();
  }
});

test('a bad port path is refused with the station’s own message and nothing is lost', async ({ page }) => {
  await openSerialPorts(page);
  await page.getByLabel('Port path or glob').fill('relative/path');
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByRole('alert')).toContainText('must be absolute');
  await expect(page.getByLabel('Port path or glob')).toHaveValue('relative/path');
});

test('the bridge refuses a page without the token', async ({ request }) => {
  const tokenless = new URL(harness.url);
  tokenless.pathname = '/index.html';
  expect((await request.get(tokenless.toString())).status()).toBe(404);
});

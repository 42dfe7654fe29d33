import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from '@playwright/test';
import { PtyPair } from '../../../sandbox/devices/pty-pair.js';

const projectRoot = resolve(import.meta.dirname, '../../..');
const packageVersion = (
  JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }
).version;

let harness: ChildProcess;
let harnessUrl: string;
let portsDirectory: string;

test.beforeAll(async () => {
  portsDirectory = mkdtempSync(join(tmpdir(), 'station-e2e-ports-'));
  harness = spawn(
    join(projectRoot, 'node_modules/.bin/tsx'),
    ['test/harness/serve.ts', '--json', '--poll-ms', '200', '--ports', `${portsDirectory}/tty-*`],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: harness.stdout! });
  harnessUrl = await new Promise<string>((resolveUrl, reject) => {
    harness.once('exit', (code) => reject(new Error(`harness exited with ${String(code)}`)));
    lines.once('line', (line) => resolveUrl((JSON.parse(line) as { url: string }).url));
  });
});

test.afterAll(() => {
  harness.kill('SIGTERM');
  rmSync(portsDirectory, { recursive: true, force: true });
});

test('shows the station version from the core', async ({ page }) => {
  await page.goto(harnessUrl);
  await expect(page.getByTestId('app-version')).toHaveText(`v${packageVersion}`);
  await expect(page.getByTestId('app-status')).toContainText('Sandbox (embedded)');
});

test('a pseudo-terminal device appears and disappears live', async ({ page }) => {
  await page.goto(harnessUrl);
  await page.getByRole('button', { name: 'Batch queue', exact: true }).click();
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
  await page.goto(harnessUrl);
  await page.getByRole('button', { name: 'Batch queue', exact: true }).click();
  await page.getByLabel('Port path or glob').fill('relative/path');
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByRole('alert')).toContainText('must be absolute');
  await expect(page.getByLabel('Port path or glob')).toHaveValue('relative/path');
});

test('the bridge refuses a page without the token', async ({ request }) => {
  const tokenless = new URL(harnessUrl);
  tokenless.pathname = '/index.html';
  expect((await request.get(tokenless.toString())).status()).toBe(404);
});

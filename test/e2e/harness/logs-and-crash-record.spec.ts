import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureScreen } from './support/screen-capture.js';
import { openTab, seeded, signIn } from './support/station-flows.js';
import { expect, test } from './support/station-test.js';

/**
 * The Logs panel of Bench health names the station's log folder; a problem the page meets is sent
 * to main and lands in station.log there as a crash entry with the screen the operator was on —
 * and the secret-shaped text it carried comes out redacted.
 */
test('bench health shows the log folder, and a page error is recorded in the log file without its secret', async ({
  launchStation,
}, testInfo) => {
  const station = await launchStation({ devices: 1 });
  const { page } = station;
  await signIn(page, seeded.installer);

  await openTab(page, 'Bench health');
  const panel = page.getByTestId('logs-panel');
  await expect(panel.getByRole('heading', { level: 2, name: 'Logs' })).toBeVisible();
  await expect(panel).toContainText('is replaced before a line is written');
  const logFolder = join(station.dataDirectory, 'logs');
  await expect(page.getByTestId('logs-folder-path')).toHaveText(logFolder);
  await expect(panel.getByRole('button', { name: 'Copy path of the log folder' })).toBeVisible();

  // The harness has no desktop shell: the answer says so and gives the path.
  await panel.getByRole('button', { name: 'Open log folder' }).click();
  await expect(page.getByTestId('logs-open-outcome')).toContainText('cannot open folders here');
  await expect(page.getByTestId('logs-open-outcome')).toContainText(logFolder);
  await captureScreen(page, testInfo, 'bench-health-logs');

  // A real error, thrown and caught with its stack, reaches the page's `error` listener as an
  // uncaught one would (a truly uncaught throw would also fail the fixture's no-page-error rule).
  const token = `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJlMmUtb3BlcmF0b3IiLCJ0b2tlbl91c2UiOiJpZCJ9.${'s1gnature'.repeat(20)}`;
  await page.evaluate((jwt) => {
    // The page's globals, typed here by what this step uses (the test itself runs in Node).
    const browser = globalThis as unknown as {
      document: {
        createElement(tag: 'button'): {
          addEventListener(type: 'click', listener: () => void): void;
          click(): void;
        };
      };
      ErrorEvent: new (
        type: 'error',
        init: { error: unknown; message: string; cancelable: boolean },
      ) => object;
      dispatchEvent(event: object): boolean;
    };
    const button = browser.document.createElement('button');
    button.addEventListener('click', () => {
      try {
        throw new TypeError(`e2e: the queue handler failed holding ${jwt}`);
      } catch (error) {
        browser.dispatchEvent(
          new browser.ErrorEvent('error', { error, message: (error as Error).message, cancelable: true }),
        );
      }
    });
    button.click();
  }, token);

  const logFile = join(logFolder, 'station.log');
  await expect
    .poll(() => readFileSync(logFile, 'utf8'), { message: 'the crash entry in station.log' })
    .toContain('CRASH #1 end');
  const text = readFileSync(logFile, 'utf8');
  expect(text).toMatch(/\d{4}-\d\d-\d\dT[\d:.]+Z CRASH #1 begin: renderer, uncaught error in the page\n/);
  expect(text).toContain('CRASH #1 error: TypeError: e2e: the queue handler failed holding [redacted token]');
  expect(text).toMatch(/CRASH #1 stack: at HTMLButtonElement\.\S+ \(/);
  expect(text).toContain('CRASH #1 operator: signed in as installer (may provision); screen: health');
  expect(text).toMatch(/CRASH #1 recent IPC \(\d+, oldest first\): .*session\.signIn.*logs\.openFolder\n/);
  expect(text).not.toContain('s1gnatures1gnature');
  expect(text).not.toContain(seeded.installer.password);
});

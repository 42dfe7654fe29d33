import { captureScreen } from './support/screen-capture.js';
import {
  expectDoneCount,
  openTab,
  queueSerials,
  seeded,
  signIn,
  startBatch,
  tab,
} from './support/station-flows.js';
import { expect, test } from './support/station-test.js';

/**
 * A station started with nothing configured runs its embedded sandbox with three simulated
 * devices: the operator sees that it is a sandbox, signs in as the seeded installer and gets a
 * batch of three verified without touching a device.
 */
test('first run: the embedded sandbox is named, its 3 devices appear, a batch of 3 is verified with no click', async ({
  launchStation,
}, testInfo) => {
  const { page, devicesDirectory } = await launchStation();
  expect(devicesDirectory, 'serve.ts announces where its simulated devices are').not.toBeNull();

  // The sandbox is named as such in words, everywhere the AWS side shows.
  await expect(page.getByTestId('profile-badge')).toContainText('Sandbox — not AWS');
  await expect(page.getByTestId('app-status')).toContainText('Sandbox (embedded)');
  await expect(page.getByTestId('sign-in-profile')).toContainText('Sandbox on this computer — not AWS');
  await expect(page.getByTestId('sign-in-profile')).toContainText('Profile: Sandbox (embedded)');
  await captureScreen(page, testInfo, 'sign-in');

  await openTab(page, 'AWS profile');
  await expect(page.getByRole('heading', { level: 1, name: 'AWS profile' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Sandbox (embedded)');
  await captureScreen(page, testInfo, 'profile');

  await openTab(page, 'Batch');
  await signIn(page, seeded.installer);

  // The three simulated devices are on the bench before any batch exists (the machine may have
  // serial ports of its own besides them).
  await page.getByText(/Serial ports — \d+ ports? seen/).click();
  const simulated = page.locator(`[data-testid="device-row"][data-path^="${devicesDirectory}/tty-SIM"]`);
  await expect(simulated).toHaveCount(3);
  await captureScreen(page, testInfo, 'batch-setup');

  await startBatch(page, { label: 'First run', bays: 3 });
  // Nothing more is pressed from here: the devices are found, provisioned and verified.
  await expect(page.getByTestId('run-row')).toHaveCount(3, { timeout: 30_000 });
  await captureScreen(page, testInfo, 'queue-running');
  await expectDoneCount(page, 3);
  await expect(page.getByTestId('total-failed')).toHaveText('0');
  expect((await queueSerials(page)).sort()).toEqual(['SIM0001-001', 'SIM0001-002', 'SIM0001-003']);
  for (const row of await page.getByTestId('run-row').all()) {
    await expect(row.getByTestId('unplug-cue')).toHaveText('Unplug');
    await expect(row.getByTestId('run-thing-name')).toHaveText((await row.getAttribute('data-serial')) ?? '');
  }
  await expect(tab(page, 'Batch')).toHaveAttribute('aria-current', 'page');
  await captureScreen(page, testInfo, 'queue-done');
});

import type { StationApi } from '../../../src/preload/station-api.js';
import { captureScreen } from './support/screen-capture.js';
import { seeded, signIn } from './support/station-flows.js';
import { expect, test } from './support/station-test.js';

/**
 * A signed-in account outside the installers group gets no IoT rights: the set-up screen says so in
 * words, names the account and the profile, says what to ask for, and offers no way to start.
 */
test('a non-installer sees why they cannot start a batch, and cannot start one', async ({
  launchStation,
}, testInfo) => {
  const { page } = await launchStation({ devices: 0 });
  await signIn(page, seeded.visitor);
  await expect(page.getByTestId('session-menu')).toContainText('(may not provision)');

  const why = page.getByRole('region', { name: 'You cannot start a batch with this account' });
  await expect(why).toBeVisible();
  await expect(why).toContainText('visitor');
  await expect(why).toContainText('is not in the installers group');
  await expect(why).toContainText('Sandbox (embedded)');
  await expect(why).toContainText('Ask an administrator to add visitor to the installers group');

  const start = page.getByRole('button', { name: 'Start batch' });
  await expect(start).toBeDisabled();
  await expect(page.locator('#start-hint')).toHaveText('Starting needs an account in the installers group.');
  await expect(page.getByLabel('Batch label')).toBeDisabled();
  await captureScreen(page, testInfo, 'batch-setup-not-installer');

  // No way round the disabled button: main itself refuses a start for this account.
  const refused = await page.evaluate(async () => {
    const station = (globalThis as unknown as { station: StationApi }).station;
    return station.batch.start({
      label: 'Not allowed',
      templateName: 'TrustedUserProvisioningTemplate',
      parameters: {},
      targetCount: null,
      bays: 1,
    });
  });
  expect(refused).toMatchObject({
    ok: false,
    error: { message: expect.stringContaining('visitor may not provision devices') as unknown },
  });
  await expect(page.getByRole('heading', { level: 1, name: 'Start a batch' })).toBeVisible();
  await expect(page.getByTestId('batch-queue')).toHaveCount(0);
});

import { expectVisibleFocus, tabTo } from './support/keyboard-focus.js';
import { expectDoneCount, seeded } from './support/station-flows.js';
import { expect, test } from './support/station-test.js';

/**
 * An operator with only a keyboard (or a scanner that types and presses Enter) signs in and starts
 * a batch: every step is reached with Tab, pressed with Enter, and the focus is always visible.
 * The mouse is never used.
 */
test('sign-in and batch start are reachable with Tab and Enter only, with visible focus', async ({
  launchStation,
}) => {
  const { page } = await launchStation({ devices: 1 });

  await tabTo(page, page.getByLabel('Username', { exact: true }));
  await page.keyboard.type(seeded.installer.username);
  await tabTo(page, page.getByLabel('Password', { exact: true }));
  await page.keyboard.type(seeded.installer.password);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('session-menu')).toContainText(seeded.installer.username);

  await expect(page.getByRole('heading', { level: 1, name: 'Start a batch' })).toBeVisible();
  const label = page.getByLabel('Batch label');
  await tabTo(page, label);
  await page.keyboard.type('Keyboard only');
  // Enter (a scanner's end of code) moves on instead of starting a half-filled batch.
  await page.keyboard.press('Enter');
  await expect(label).not.toBeFocused();
  await expectVisibleFocus(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Start a batch' })).toBeVisible();

  await tabTo(page, page.getByRole('button', { name: 'Start batch' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Keyboard only' })).toBeVisible();
  await expectDoneCount(page, 1);

  // The queue's controls are in the tab order too, focus drawn the same way.
  await tabTo(page, page.getByRole('button', { name: 'Pause' }));
  await tabTo(page, page.getByRole('button', { name: /^Details of / }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('device-detail')).toBeVisible();
  await tabTo(page, page.getByRole('button', { name: 'Back to the queue' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Keyboard only' })).toBeVisible();
});

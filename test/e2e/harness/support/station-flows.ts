import { expect, type Locator, type Page } from '@playwright/test';
import { totpCode } from '../../../../sandbox/cognito/totp.js';

/**
 * What an operator does on the station, step by step through the screens, located the way a person
 * (or a screen reader) finds them: by role and accessible name first, test ids where words repeat.
 */

/** Seeded sandbox users (sandbox/orchestrator/sandbox-seed.ts; documented in sandbox/README.md). */
export const seeded = {
  installer: { username: 'installer', password: 'Installer-Passw0rd!' },
  visitor: { username: 'visitor', password: 'Visitor-Passw0rd!' },
  mfaInstaller: {
    username: 'mfa-installer',
    password: 'MfaInstaller-Passw0rd!',
    totpSecret: 'SANDBOXMFAINSTALLERTOTPSECRETAAA',
  },
} as const;

/** Long enough for a handful of simulated devices at 115200 baud, claims and verification included. */
export const BATCH_TIMEOUT_MS = 60_000;

export function tab(page: Page, name: 'Batch' | 'History' | 'Bench health' | 'AWS profile'): Locator {
  return page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });
}

export async function openTab(
  page: Page,
  name: 'Batch' | 'History' | 'Bench health' | 'AWS profile',
): Promise<void> {
  await tab(page, name).click();
  await expect(tab(page, name)).toHaveAttribute('aria-current', 'page');
}

/** The password step: fills both fields and presses Sign in. */
export async function submitPassword(page: Page, username: string, password: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Signs in a user with a permanent password and no MFA; waits until the session menu names them. */
export async function signIn(page: Page, user: { username: string; password: string }): Promise<void> {
  await submitPassword(page, user.username, user.password);
  await expectSignedIn(page, user.username);
}

export async function expectSignedIn(page: Page, username: string): Promise<void> {
  await expect(page.getByTestId('session-menu')).toContainText(username);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** The authenticator's code for now, as an app holding `secret` would show it. */
export function currentTotpCode(secret: string): string {
  return totpCode(secret.replace(/\s+/g, ''), Date.now());
}

/** The current time step's code, unless it changes within a second (then the next one). */
export async function freshTotpCode(secret: string): Promise<string> {
  const intoStep = Date.now() % 30_000;
  if (intoStep > 28_500) await new Promise((resolve) => setTimeout(resolve, 30_000 - intoStep + 100));
  return currentTotpCode(secret);
}

export interface BatchSetup {
  label: string;
  bays?: number;
  targetCount?: number;
}

/** Fills the batch set-up form (the template is the sandbox's only one) and presses Start batch. */
export async function startBatch(page: Page, setup: BatchSetup): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Start a batch' })).toBeVisible();
  await expect(page.getByLabel('Provisioning template')).toHaveValue('TrustedUserProvisioningTemplate');
  await page.getByLabel('Batch label').fill(setup.label);
  if (setup.bays !== undefined) await page.getByLabel('Bays', { exact: true }).fill(String(setup.bays));
  if (setup.targetCount !== undefined) {
    await page.getByLabel('Target count (optional)').fill(String(setup.targetCount));
  }
  await page.getByRole('button', { name: 'Start batch' }).click();
  await expect(page.getByRole('heading', { level: 1, name: setup.label })).toBeVisible();
}

export function runRows(page: Page): Locator {
  return page.getByTestId('run-row');
}

export function runRowOf(page: Page, serialNumber: string): Locator {
  return page.locator(`[data-testid="run-row"][data-serial="${serialNumber}"]`);
}

/** Waits until `count` devices are verified (done) in the open batch's header and rows. */
export async function expectDoneCount(page: Page, count: number): Promise<void> {
  await expect(page.getByTestId('total-done')).toHaveText(String(count), { timeout: BATCH_TIMEOUT_MS });
  await expect(page.locator('[data-testid="run-row"][data-phase="done"]')).toHaveCount(count);
}

/** The serial numbers the queue shows, newest first. */
export async function queueSerials(page: Page): Promise<string[]> {
  return runRows(page).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-serial') ?? ''));
}

/** Finishes an open batch whose devices are all done (no question is asked then). */
export async function finishBatch(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Finish batch…' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Start a batch' })).toBeVisible();
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureScreen } from './support/screen-capture.js';
import { saveFrom } from './support/saved-file.js';
import { projectRoot } from './support/harness-process.js';
import { expectDoneCount, openTab, seeded, signIn, startBatch } from './support/station-flows.js';
import { expect, test } from './support/station-test.js';

/** Secret shapes a support report must never carry. */
const secretShapes: { name: string; pattern: RegExp }[] = [
  { name: 'PEM block', pattern: /-----BEGIN [A-Z ]+-----/ },
  // A base64 line of a PEM body (64 characters), not a hex id of the same length.
  { name: 'PEM body line', pattern: /^(?=[A-Za-z0-9+/]*[G-Zg-z+/])[A-Za-z0-9+/]{64}$/m },
  { name: 'JWT', pattern: /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { name: 'AWS access key id', pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/ },
];

/**
 * The bench health screen lists its checks with status words and fixes; the system report made
 * after a signed-in session and a provisioned device (tokens, claims and a CA in memory) holds the
 * versions and the profile's ids, and not one secret.
 */
test('bench health shows its checks, and the system report holds versions and ids but no secret', async ({
  launchStation,
  stationTarget,
}, testInfo) => {
  const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
  const { page } = await launchStation({ devices: 1 });
  await signIn(page, seeded.installer);
  await startBatch(page, { label: 'Before the report', bays: 1 });
  await expectDoneCount(page, 1);

  await openTab(page, 'Bench health');
  await expect(page.getByRole('heading', { level: 1, name: 'Bench health' })).toBeVisible();
  const checks = page.getByTestId('health-check');
  await expect(checks.first()).toBeVisible();
  const ids = await checks.evaluateAll((cards) => cards.map((card) => card.getAttribute('data-check-id')));
  expect(ids).toEqual(
    expect.arrayContaining([
      'serial-permission',
      'port-held',
      'aws-reachable',
      'clock-skew',
      'secret-storage',
    ]),
  );
  const statusWords = { ok: 'OK', warning: 'Warning', problem: 'Problem' } as const;
  for (const check of await checks.all()) {
    // Every check says its state in words (never colour alone), and what to do when it is not OK.
    const status = (await check.getAttribute('data-status')) as keyof typeof statusWords;
    await expect(check).toContainText(statusWords[status]);
    if (status !== 'ok') await expect(check).toContainText('What to do:');
  }
  // The bench's own simulated device is readable and the sandbox answers.
  await expect(checks.and(page.locator('[data-check-id="serial-permission"]'))).toHaveAttribute(
    'data-status',
    'ok',
  );
  await expect(checks.and(page.locator('[data-check-id="aws-reachable"]'))).toHaveAttribute(
    'data-status',
    'ok',
  );
  await expect(page.getByTestId('health-checked-at')).toContainText('Checked at');
  await captureScreen(page, testInfo, 'bench-health');

  await page.getByRole('button', { name: 'Create system report' }).click();
  const report = page.getByTestId('health-report-text');
  await expect(report).toBeVisible();
  const text = await report.innerText();
  expect(text).toContain(version);
  expect(text).toContain('Sandbox (embedded)');
  expect(text).toContain('eu-west-1_StationSandbox');
  for (const { name, pattern } of secretShapes) {
    expect(pattern.test(text), `the report holds a ${name}`).toBe(false);
  }
  for (const secret of [seeded.installer.password, seeded.mfaInstaller.totpSecret]) {
    expect(text).not.toContain(secret);
  }
  await captureScreen(page, testInfo, 'system-report');

  // What is saved is what was shown.
  const saved = await saveFrom(page, page.getByRole('button', { name: 'Download' }), stationTarget);
  expect(saved.fileName).toMatch(/\.txt$/);
  expect(saved.content.trim()).toBe(text.trim());
});

import { captureScreen } from './support/screen-capture.js';
import {
  BATCH_TIMEOUT_MS,
  expectDoneCount,
  finishBatch,
  runRowOf,
  seeded,
  signIn,
  startBatch,
} from './support/station-flows.js';
import { expect, test } from './support/station-test.js';

/**
 * A device that already holds an identity (from an earlier batch) is never re-provisioned silently:
 * the station shows what it holds and what happens to its old certificate, and waits. Confirmed,
 * the device gets a new certificate and the old one is set INACTIVE and detached in the registry.
 */
test('a re-provision asks for confirmation, shows the held identity, and retires the old certificate', async ({
  startBench,
  launchStation,
}, testInfo) => {
  const bench = await startBench({ devices: 1, seed: 0x4e9 });
  const serial = bench.fleet.devices[0]!.info.serialNumber;
  const registry = bench.sandbox.registry;
  const { page } = await launchStation({ bench });
  await signIn(page, seeded.installer);

  await startBatch(page, { label: 'First identity', bays: 1 });
  await expectDoneCount(page, 1);
  const [oldArn] = registry.listThingPrincipals(serial);
  const oldCertificateId = oldArn!.slice(oldArn!.lastIndexOf('/') + 1);
  expect(registry.getCertificate(oldCertificateId)?.status).toBe('ACTIVE');
  await finishBatch(page);

  // The same device, still on the bench, in the next batch.
  await startBatch(page, { label: 'Repaired units', bays: 1 });
  const row = runRowOf(page, serial);
  await expect(row).toHaveAttribute('data-phase', 'needs-confirmation', { timeout: BATCH_TIMEOUT_MS });
  await expect(row).toContainText('Nothing happens until you confirm.');
  await expect(row).toContainText(serial);
  // Nothing changed while it waits.
  expect(registry.getCertificate(oldCertificateId)?.status).toBe('ACTIVE');
  await captureScreen(page, testInfo, 'queue-needs-confirmation');

  await row.getByRole('button', { name: `Confirm re-provision of ${serial}` }).click();
  const panel = page.getByTestId('reprovision-panel');
  await expect(panel.getByRole('heading', { name: 'This device is already provisioned' })).toBeVisible();
  await expect(panel.getByTestId('held-thing-name')).toHaveText(serial);
  await expect(panel.getByTestId('held-certificate-id')).toHaveText(oldCertificateId);
  await expect(panel).toContainText(
    `its old certificate ${oldCertificateId} is set INACTIVE and detached from ${serial}`,
  );
  await captureScreen(page, testInfo, 'reprovision-confirmation');

  await panel.getByRole('button', { name: 'Confirm re-provision' }).click();
  // Asked once more, in a modal whose focused answer is the safe one.
  const question = page.getByRole('dialog', { name: `Re-provision ${serial}?` });
  await expect(question).toBeVisible();
  await expect(question.getByRole('button', { name: 'Not now' })).toBeFocused();
  await expect(question).toContainText(oldCertificateId);
  await expect(question).toContainText(`is set INACTIVE and detached from ${serial}`);
  await captureScreen(page, testInfo, 'reprovision-question');
  expect(registry.getCertificate(oldCertificateId)?.status).toBe('ACTIVE');
  await question.getByRole('button', { name: 'Re-provision', exact: true }).click();
  const detail = page.getByTestId('device-detail');
  await expect(detail).toHaveAttribute('data-phase', 'done', { timeout: BATCH_TIMEOUT_MS });
  const newCertificateId = (await detail.getByTestId('detail-certificate-id').innerText()).trim();
  expect(newCertificateId).not.toBe(oldCertificateId);
  await expect(detail.getByTestId('detail-replaced')).toContainText(oldCertificateId);

  // The registry agrees: the new certificate is ACTIVE on the Thing, the old one INACTIVE and detached.
  expect(registry.getCertificate(newCertificateId)?.status).toBe('ACTIVE');
  expect(registry.getCertificate(oldCertificateId)?.status).toBe('INACTIVE');
  expect(registry.listThingPrincipals(serial)).toEqual([registry.certificateArn(newCertificateId)]);
  await captureScreen(page, testInfo, 'device-detail-reprovisioned');
});

import { captureScreen } from './support/screen-capture.js';
import { BATCH_TIMEOUT_MS, runRowOf, seeded, signIn, startBatch } from './support/station-flows.js';
import { expect, test } from './support/station-test.js';

/**
 * The device is unplugged in the middle of the claim delivery and stays out (a long unplug): the
 * run fails with its code and what to do, in the queue and in the device's detail. Retry while the
 * cable is still out says so again; once it is plugged back the station continues on its own and
 * the device ends verified — no claim from the broken attempt is reused.
 */
test('a device unplugged mid-delivery shows its code and hint, and ends verified after Retry and re-plugging', async ({
  startBench,
  launchStation,
}, testInfo) => {
  const bench = await startBench({
    devices: 1,
    seed: 0xfa1,
    faults: ['unplug-mid-transfer@0'],
    // Out for longer than the test runs: the test plugs it back itself.
    unplugMs: 600_000,
  });
  const device = bench.fleet.devices[0]!;
  const serial = device.info.serialNumber;
  const { page } = await launchStation({ bench });
  await signIn(page, seeded.installer);
  await startBatch(page, { label: 'Unplugged mid-delivery', bays: 1 });

  const row = runRowOf(page, serial);
  await expect(row).toHaveAttribute('data-phase', 'failed', { timeout: BATCH_TIMEOUT_MS });
  const failure = row.getByTestId('run-failure');
  await expect(failure).toContainText('The device disappeared during claim delivery.');
  await expect(failure).toContainText('What to do: Plug the device back in');
  await expect(failure).toContainText('DEVICE_UNPLUGGED');
  await expect(row.getByRole('button', { name: `Retry ${serial}` })).toBeVisible();
  await expect(page.getByTestId('total-failed')).toHaveText('1');
  await captureScreen(page, testInfo, 'queue-failed-run');

  await row.getByRole('button', { name: `Details of ${serial}` }).click();
  const detail = page.getByTestId('device-detail');
  await expect(detail).toHaveAttribute('data-phase', 'failed');
  const panel = page.getByRole('region', { name: 'This device failed' });
  await expect(panel.getByTestId('failure-message')).toHaveText(
    'The device disappeared during claim delivery.',
  );
  await expect(panel).toContainText('What to do: Plug the device back in');
  await expect(panel.getByTestId('failure-code')).toHaveText('DEVICE_UNPLUGGED');
  await expect(panel).toContainText('A retry may fix it.');
  await captureScreen(page, testInfo, 'device-detail-failed-with-hint');

  // Retry with the cable still out: a new attempt that waits for the device instead of failing again.
  await panel.getByRole('button', { name: 'Retry' }).click();
  await expect(detail).toHaveAttribute('data-phase', 'unplugged');
  await expect(page.getByTestId('detail-phase')).toContainText('Unplugged');
  await expect(page.getByRole('region', { name: 'This device failed' })).toHaveCount(0);

  await device.plug();
  await expect(detail).toHaveAttribute('data-phase', 'done', { timeout: BATCH_TIMEOUT_MS });
  await expect(detail.getByTestId('unplug-cue')).toHaveText('Unplug');
  await expect(detail.getByTestId('detail-thing-name')).toHaveText(serial);
  const certificateId = (await detail.getByTestId('detail-certificate-id').innerText()).trim();
  expect(bench.sandbox.registry.getCertificate(certificateId)?.status).toBe('ACTIVE');
  // One identity only: the attempt cut short by the unplug left no certificate on the Thing.
  expect(bench.sandbox.registry.listThingPrincipals(serial)).toEqual([
    bench.sandbox.registry.certificateArn(certificateId),
  ]);
  await captureScreen(page, testInfo, 'device-detail');

  await page.getByRole('button', { name: 'Back to the queue' }).click();
  await expect(row).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('total-failed')).toHaveText('0');
  await expect(page.getByTestId('total-done')).toHaveText('1');
});

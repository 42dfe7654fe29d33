import { captureScreen } from './support/screen-capture.js';
import { csvRecords } from '../../support/csv-records.js';
import { saveFrom } from './support/saved-file.js';
import {
  expectDoneCount,
  expectSignedIn,
  finishBatch,
  freshTotpCode,
  openTab,
  queueSerials,
  seeded,
  submitPassword,
  startBatch,
} from './support/station-flows.js';
import { expect, test } from './support/station-test.js';

const newInstaller = {
  username: 'new-installer',
  temporaryPassword: 'Temporary-Passw0rd!',
  newPassword: 'Bench-Chosen-Passw0rd7!',
};

interface ExportedRecord {
  runId: string;
  batchId: string;
  batchLabel: string;
  operatorUsername: string;
  stationId: string;
  serialNumber: string;
  model: string;
  thingName: string | null;
  certificateId: string | null;
  outcome: string;
}

/**
 * The user pool requires MFA and the installer has only a temporary password: sign-in goes through
 * a new password and the authenticator set-up, then five devices are provisioned and verified with
 * no click per device, and both exports say exactly what the screen and the registry say.
 */
test('a new installer sets a password and an authenticator, provisions 5, and the exports match the screen and the registry', async ({
  startBench,
  launchStation,
  stationTarget,
}, testInfo) => {
  const bench = await startBench({ mfa: 'ON', devices: 5, seed: 0x5e7 });
  bench.addUser({ ...newInstaller, installer: true });
  const { page } = await launchStation({ bench });

  await submitPassword(page, newInstaller.username, newInstaller.temporaryPassword);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await page.getByLabel('New password', { exact: true }).fill(newInstaller.newPassword);
  await page.getByLabel('Type the new password again').fill(newInstaller.newPassword);
  await expect(page.getByTestId('confirm-password-check')).toContainText(/match/i);
  await captureScreen(page, testInfo, 'new-password');
  await page.getByRole('button', { name: 'Set new password' }).click();

  await expect(page.getByRole('heading', { name: 'Set up your authenticator app' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'QR code to scan with your authenticator app' })).toBeVisible();
  // The key is read off the screen, as an operator typing it into an authenticator app would.
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await captureScreen(page, testInfo, 'totp-setup');
  await page.getByLabel('6-digit code').fill(await freshTotpCode(secret));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expectSignedIn(page, newInstaller.username);
  await expect(page.getByTestId('session-menu')).toContainText('(installer)');
  expect(bench.sandbox.userPool.describeUser(newInstaller.username)).toMatchObject({
    status: 'CONFIRMED',
    softwareTokenMfa: 'enabled',
  });

  const label = 'WO-5 new installer';
  await startBatch(page, { label, bays: 3 });
  await expectDoneCount(page, 5);
  await expect(page.getByTestId('total-failed')).toHaveText('0');
  const serials = bench.fleet.devices.map((device) => device.info.serialNumber).sort();
  expect((await queueSerials(page)).sort()).toEqual(serials);
  const queueThings = await page
    .getByTestId('run-row')
    .evaluateAll((rows) =>
      rows.map((row) => [
        row.getAttribute('data-serial') ?? '',
        row.querySelector('[data-testid="run-thing-name"]')?.textContent ?? '',
      ]),
    );
  await finishBatch(page);

  await openTab(page, 'History');
  const historyRows = page.getByTestId('history-device-row');
  await expect(historyRows).toHaveCount(5);
  const screenRows = await historyRows.evaluateAll((rows) =>
    rows.map((row) => ({
      runId: row.getAttribute('data-run-id') ?? '',
      outcome: row.getAttribute('data-outcome') ?? '',
      cells: Array.from(
        row.querySelectorAll('td') as ArrayLike<{ textContent: string | null }>,
        (cell) => cell.textContent ?? '',
      ),
    })),
  );

  const csv = await saveFrom(page, page.getByRole('button', { name: 'Export CSV' }), stationTarget);
  const json = await saveFrom(page, page.getByRole('button', { name: 'Export JSON' }), stationTarget);
  expect(csv.fileName).toMatch(/\.csv$/);
  expect(json.fileName).toMatch(/\.json$/);
  await expect(page.getByTestId('history-export-status')).toContainText(json.fileName);
  await captureScreen(page, testInfo, 'history');

  const fromJson = (JSON.parse(json.content) as { count: number; records: ExportedRecord[] }).records;
  const fromCsv = csvRecords(csv.content);
  expect(fromJson).toHaveLength(5);
  expect(fromCsv).toHaveLength(5);
  for (const [index, record] of fromJson.entries()) {
    // The two formats hold the same rows in the same order as the screen.
    const csvRow = fromCsv[index]!;
    for (const key of [
      'runId',
      'batchId',
      'serialNumber',
      'thingName',
      'certificateId',
      'outcome',
    ] as const) {
      expect(csvRow[key], `CSV ${key} of row ${index}`).toBe(record[key] ?? '');
    }
    const shown = screenRows[index]!;
    expect(shown.runId).toBe(record.runId);
    expect(shown.outcome).toBe('provisioned');
    expect(shown.cells[1]).toContain(record.serialNumber);
    expect(shown.cells[2]).toContain(record.thingName ?? '');
    expect(shown.cells[3]).toContain(label);
    expect(shown.cells[3]).toContain(newInstaller.username);
    expect(queueThings).toContainEqual([record.serialNumber, record.thingName]);

    expect(record).toMatchObject({
      outcome: 'provisioned',
      batchLabel: label,
      operatorUsername: newInstaller.username,
    });
    // The registry holds what the export claims: the Thing, its attributes, its ACTIVE certificate.
    const thing = bench.sandbox.registry.getThing(record.thingName!);
    expect(thing, `Thing ${record.thingName} in the registry`).toBeDefined();
    expect(thing!.attributes).toMatchObject({
      serialNumber: record.serialNumber,
      model: record.model,
      batchId: record.batchId,
      stationId: record.stationId,
      operator: newInstaller.username,
    });
    const certificate = bench.sandbox.registry.getCertificate(record.certificateId!);
    expect(certificate?.status, `certificate ${record.certificateId}`).toBe('ACTIVE');
    expect(bench.sandbox.registry.listThingPrincipals(record.thingName!)).toContain(
      bench.sandbox.registry.certificateArn(record.certificateId!),
    );
  }
  expect(fromJson.map((record) => record.serialNumber).sort()).toEqual(serials);

  // An installer who already has an authenticator gives its current code after the password.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await openTab(page, 'Batch');
  await submitPassword(page, seeded.mfaInstaller.username, seeded.mfaInstaller.password);
  await expect(page.getByRole('heading', { name: 'Enter your authenticator code' })).toBeVisible();
  await captureScreen(page, testInfo, 'totp-code');
  await page.getByLabel('6-digit code').fill(await freshTotpCode(seeded.mfaInstaller.totpSecret));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expectSignedIn(page, seeded.mfaInstaller.username);
});

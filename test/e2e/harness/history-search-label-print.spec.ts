import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { captureScreen, screensDirectory } from './support/screen-capture.js';
import {
  expectDoneCount,
  finishBatch,
  openTab,
  seeded,
  signIn,
  startBatch,
} from './support/station-flows.js';
import { expect, test } from './support/station-test.js';

const MM_IN_POINTS = 72 / 25.4;

/**
 * The history finds a device by part of its serial number (the thing name is the same here), and prints its label: in
 * print only the label is on the page, the page is the label's size, and the QR code holds the
 * Thing name.
 */
test('history finds a device by part of its serial number and prints its label alone, at label size', async ({
  launchStation,
  stationTarget,
}, testInfo) => {
  const { page } = await launchStation();
  await signIn(page, seeded.installer);
  await startBatch(page, { label: 'History and labels', bays: 3 });
  await expectDoneCount(page, 3);
  await finishBatch(page);

  await openTab(page, 'History');
  const rows = page.getByTestId('history-device-row');
  await expect(rows).toHaveCount(3);
  const search = page.getByLabel('Serial number or thing name');
  await expect(search).toBeFocused();

  // Part of a serial number, in other letter case, as a person types it.
  await search.fill('sim0001-00');
  await expect(rows).toHaveCount(3);
  await search.fill('0001-002');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('SIM0001-002');
  await expect(page.getByTestId('history-shown')).not.toContainText('Searching');
  // A scanner types the whole serial and presses Enter: found at once, the text selected for the next scan.
  await search.fill('SIM0001-003');
  await search.press('Enter');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('SIM0001-003');
  await search.fill('no-such-device');
  await expect(rows).toHaveCount(0);
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(rows).toHaveCount(3);
  await expect(search).toBeFocused();
  await captureScreen(page, testInfo, 'history-all-devices');

  // The print dialog is the browser's own: the test stands in for it and keeps the label in the page.
  await page.evaluate(() => {
    const target = globalThis as unknown as { print: () => void; printCalls: number };
    target.printCalls = 0;
    target.print = () => {
      target.printCalls += 1;
    };
  });
  await search.fill('SIM0001-002');
  await expect(rows).toHaveCount(1);
  await page.getByRole('button', { name: 'Print label for SIM0001-002' }).click();
  expect(await page.evaluate(() => (globalThis as unknown as { printCalls: number }).printCalls)).toBe(1);
  await expect(page.getByTestId('history-export-status')).toContainText('Label for SIM0001-002');

  const label = page.getByTestId('print-label');
  await expect(label).toBeHidden();
  await page.emulateMedia({ media: 'print' });
  await expect(label).toBeVisible();
  await expect(label).toContainText('SIM0001-002');
  await expect(label.getByRole('img', { name: 'QR code of SIM0001-002' })).toBeVisible();
  // Nothing but the label prints.
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeHidden();
  await expect(page.getByTestId('history-screen')).toBeHidden();
  await expect(page.getByTestId('app-status')).toBeHidden();
  const directory = join(screensDirectory, testInfo.project.name);
  mkdirSync(directory, { recursive: true });
  const preview = join(directory, 'label-print-preview.png');
  await label.screenshot({ path: preview });
  await testInfo.attach('label-print-preview', { path: preview, contentType: 'image/png' });

  if (stationTarget === 'harness') {
    // Chromium's own print to PDF, with the label's @page size (page.pdf exists in Chromium only).
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const pdfPath = join(directory, 'label-print.pdf');
    await writeFile(pdfPath, pdf);
    await testInfo.attach('label-print.pdf', { path: pdfPath, contentType: 'application/pdf' });
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text.match(/\/Type\s*\/Page\b/g), 'one label, one page').toHaveLength(1);
    const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(text);
    expect(box, 'the page has a MediaBox').not.toBeNull();
    expect(Number(box![1]) / MM_IN_POINTS).toBeCloseTo(62, 0);
    expect(Number(box![2]) / MM_IN_POINTS).toBeCloseTo(29, 0);
  }

  // After the dialog closes the label leaves the page again.
  await page.emulateMedia({ media: 'screen' });
  await page.evaluate(() => {
    const target = globalThis as unknown as {
      dispatchEvent(event: unknown): void;
      Event: new (name: string) => unknown;
    };
    target.dispatchEvent(new target.Event('afterprint'));
  });
  await expect(label).toHaveCount(0);
});

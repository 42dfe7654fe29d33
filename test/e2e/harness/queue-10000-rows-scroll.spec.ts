import type { Page } from '@playwright/test';
import { seedOpenBatchOfDoneRuns, type SeededBatch } from './support/journal-seed.js';
import { installLongTaskProbe, longTasksSince, pageNow } from './support/long-task-probe.js';
import { captureScreen } from './support/screen-capture.js';
import { seeded, signIn } from './support/station-flows.js';
import { expect, test, type LaunchOptions, type Station } from './support/station-test.js';

const ROWS = 10_000;
/** What the browser calls a long task; none may happen while the operator scrolls. */
const LONG_TASK_MS = 50;
/** A virtualised list renders what is in view plus a little overscan, never the whole batch. */
const MAX_ROWS_IN_DOM = 60;

/**
 * A batch of 10,000 verified devices, written into the station's journal as after a restart
 * mid-batch (there are no 10,000 devices to plug in here), and the station reopened on it.
 */
async function openTenThousand(
  launchStation: (options?: LaunchOptions) => Promise<Station>,
  makeTempDirectory: (prefix: string, options?: { memory?: boolean }) => string,
): Promise<{ page: Page; batch: SeededBatch }> {
  const dataDirectory = makeTempDirectory('queue-10k', { memory: true });
  const batch = seedOpenBatchOfDoneRuns({
    dataDirectory,
    runs: ROWS,
    label: 'Ten thousand',
    operatorUsername: seeded.installer.username,
  });
  const { page } = await launchStation({ dataDirectory, devices: 0, beforeLoad: installLongTaskProbe });
  await signIn(page, seeded.installer);
  await expect(page.getByRole('heading', { level: 1, name: batch.label })).toBeVisible();
  await expect(page.getByTestId('total-done')).toHaveText(String(ROWS));
  await expect(
    page.getByRole('list', { name: `Devices in this batch, newest first (${ROWS})` }),
  ).toBeVisible();
  await expect(page.getByTestId('run-row').first()).toHaveAttribute(
    'data-serial',
    batch.serialNumbers.at(-1)!,
  );
  return { page, batch };
}

function queueView(page: Page) {
  const scroller = page.getByTestId('run-queue');
  const rows = page.getByTestId('run-row');
  return {
    scroller,
    rows,
    /** Only a screenful (and overscan) of the 10,000 rows is in the page at any time. */
    async expectFewRowsInDom() {
      const count = await rows.count();
      expect(count, 'rows rendered at once').toBeLessThan(MAX_ROWS_IN_DOM);
      expect(count).toBeGreaterThan(0);
    },
    /** The row is rendered and lies inside the list's visible area (the list scrolls, not the page). */
    async expectShown(serial: string) {
      const row = page.locator(`[data-testid="run-row"][data-serial="${serial}"]`);
      await expect(row).toHaveCount(1);
      await expect
        .poll(async () => {
          const [outer, inner] = await Promise.all([scroller.boundingBox(), row.boundingBox()]);
          if (!outer || !inner) return false;
          return inner.y >= outer.y - 1 && inner.y + inner.height <= outer.y + outer.height + 1;
        }, `${serial} inside the visible part of the list`)
        .toBe(true);
    },
  };
}

test('a 10,000-row queue scrolls by wheel and scrollbar with no long task over 50 ms, rendering few rows', async ({
  launchStation,
  makeTempDirectory,
}, testInfo) => {
  const { page, batch } = await openTenThousand(launchStation, makeTempDirectory);
  const queue = queueView(page);
  await captureScreen(page, testInfo, 'queue-10000-rows');
  // Let the first render's work (10,000 runs arriving) settle before measuring.
  await page.waitForTimeout(500);
  const wheelFrom = await pageNow(page);

  // The mouse wheel, flicked hard: 300 px a notch, a notch a frame (some 15,000 px a second).
  const box = (await queue.scroller.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 100));
  for (let step = 0; step < 100; step++) {
    await page.mouse.wheel(0, 300);
    await page.waitForTimeout(16);
  }
  await queue.expectFewRowsInDom();
  const scrolledByWheel = await queue.scroller.evaluate(
    (element) => (element as unknown as { scrollTop: number }).scrollTop,
  );
  expect(scrolledByWheel).toBeGreaterThan(20_000);

  // The scrollbar's thumb dragged from top to bottom: big jumps, one frame apart.
  await page.waitForTimeout(200);
  const scrollbarFrom = await pageNow(page);
  for (let step = 1; step <= 30; step++) {
    await queue.scroller.evaluate(
      (element, fraction) =>
        new Promise<void>((done) => {
          const scrolled = element as unknown as {
            scrollTop: number;
            scrollHeight: number;
            clientHeight: number;
          };
          scrolled.scrollTop = (scrolled.scrollHeight - scrolled.clientHeight) * fraction;
          (
            globalThis as unknown as { requestAnimationFrame(callback: () => void): void }
          ).requestAnimationFrame(() => done());
        }),
      step / 30,
    );
  }
  await queue.expectShown(batch.serialNumbers[0]!);
  await queue.expectFewRowsInDom();
  // And back up to the newest.
  await queue.scroller.evaluate((element) => {
    (element as unknown as { scrollTop: number }).scrollTop = 0;
  });
  await queue.expectShown(batch.serialNumbers.at(-1)!);
  await page.waitForTimeout(200);

  const longTasks = (await longTasksSince(page, wheelFrom)).filter((task) => task.duration > LONG_TASK_MS);
  expect(
    {
      wheel: longTasks.filter((task) => task.startTime < scrollbarFrom).map((task) => task.duration),
      scrollbar: longTasks.filter((task) => task.startTime >= scrollbarFrom).map((task) => task.duration),
    },
    `long tasks over ${LONG_TASK_MS} ms (their durations in ms) while scrolling`,
  ).toEqual({ wheel: [], scrollbar: [] });
});

test('End and Home from a row of the 10,000-row queue reach its last and first device', async ({
  launchStation,
  makeTempDirectory,
}) => {
  const { page, batch } = await openTenThousand(launchStation, makeTempDirectory);
  const queue = queueView(page);
  const since = await pageNow(page);
  await queue.rows
    .first()
    .getByRole('button', { name: /^Details of / })
    .focus();
  await page.keyboard.press('End');
  await queue.expectShown(batch.serialNumbers[0]!);
  await queue.expectFewRowsInDom();
  await page.keyboard.press('Home');
  await queue.expectShown(batch.serialNumbers.at(-1)!);
  const longTasks = await longTasksSince(page, since);
  expect(longTasks.filter((task) => task.duration > LONG_TASK_MS)).toEqual([]);
});

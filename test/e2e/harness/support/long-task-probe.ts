import type { Page } from '@playwright/test';

/**
 * Records every long task (a main-thread task over 50 ms, as the browser reports them) from the
 * first script on; installed before the page loads so nothing escapes it.
 */
const probeScript = `
  globalThis.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      globalThis.__longTasks.push({ startTime: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask', buffered: true });
`;

export interface LongTask {
  startTime: number;
  duration: number;
}

export async function installLongTaskProbe(page: Page): Promise<void> {
  await page.addInitScript({ content: probeScript });
}

/** The page's clock now (performance.now()), to mark where a measured stretch begins. */
export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Long tasks that started at or after `since` (a pageNow() reading). */
export function longTasksSince(page: Page, since: number): Promise<LongTask[]> {
  return page.evaluate(
    (from) =>
      (globalThis as unknown as { __longTasks: LongTask[] }).__longTasks.filter(
        (task) => task.startTime >= from,
      ),
    since,
  );
}

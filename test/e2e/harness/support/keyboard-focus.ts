import { expect, type Locator, type Page } from '@playwright/test';

export interface FocusedElement {
  description: string;
  outlineStyle: string;
  outlineWidth: number;
  boxShadow: string;
  width: number;
  height: number;
}

/** What has the focus now and how it is drawn (outline or ring), described for a failure message. */
export function focusedElement(page: Page): Promise<FocusedElement | null> {
  return page.evaluate(() => {
    interface Styled {
      tagName: string;
      id: string;
      textContent: string | null;
      getAttribute(name: string): string | null;
      getBoundingClientRect(): { width: number; height: number };
    }
    const scope = globalThis as unknown as {
      document: { activeElement: Styled | null; body: Styled };
      getComputedStyle(element: Styled): { outlineStyle: string; outlineWidth: string; boxShadow: string };
    };
    const element = scope.document.activeElement;
    if (!element || element === scope.document.body) return null;
    const style = scope.getComputedStyle(element);
    const rect = element.getBoundingClientRect();
    const name = element.getAttribute('aria-label') ?? (element.textContent ?? '').trim().slice(0, 40);
    return {
      description: `<${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}> ${name}`,
      outlineStyle: style.outlineStyle,
      outlineWidth: Number.parseFloat(style.outlineWidth),
      boxShadow: style.boxShadow,
      width: rect.width,
      height: rect.height,
    };
  });
}

/** The focused element is on screen and drawn with a focus ring at least 2 px wide. */
export async function expectVisibleFocus(page: Page, before: string[] = []): Promise<FocusedElement> {
  const focused = await focusedElement(page);
  expect(focused, `something has the focus (after: ${before.join(' → ') || 'nothing'})`).not.toBeNull();
  const ring =
    (focused!.outlineStyle !== 'none' && focused!.outlineWidth >= 2) || focused!.boxShadow !== 'none';
  expect(
    ring,
    `visible focus ring on ${focused!.description} (outline ${focused!.outlineStyle} ${focused!.outlineWidth}px)`,
  ).toBe(true);
  expect(focused!.width * focused!.height, `${focused!.description} has a size`).toBeGreaterThan(0);
  return focused!;
}

/**
 * Presses Tab until `target` has the focus, checking on every stop that the focus is visible;
 * fails when it takes more than `maxStops` (the target is out of the tab order, or buried). Past
 * the page's last control the focus leaves the page (to the browser's own controls) and the next
 * Tab brings it back to the first: that stop is allowed once.
 */
const leftThePage = '(out of the page, to the browser)';

export async function tabTo(page: Page, target: Locator, maxStops = 40): Promise<string[]> {
  const stops: string[] = [];
  for (let stop = 0; stop <= maxStops; stop++) {
    if (
      await target.evaluate(
        (element) =>
          element ===
          (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
      )
    ) {
      await expectVisibleFocus(page);
      return stops;
    }
    await page.keyboard.press('Tab');
    if ((await focusedElement(page)) === null && !stops.includes(leftThePage)) {
      stops.push(leftThePage);
      continue;
    }
    stops.push((await expectVisibleFocus(page, stops)).description);
  }
  throw new Error(`Tab did not reach the target in ${maxStops} stops; it went through:\n${stops.join('\n')}`);
}

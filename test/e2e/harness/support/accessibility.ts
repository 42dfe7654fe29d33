import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** The impacts that fail a screen; minor and moderate findings are left to review. */
const failingImpacts = new Set(['serious', 'critical']);

/**
 * Runs axe-core on what the page shows now and fails with every serious or critical violation:
 * its rule id, what it means, and the elements it found, so the report says what to fix where.
 * Legacy mode runs in the page itself (no blank helper page), which works in Electron too.
 */
export async function expectNoSeriousA11yViolations(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  const failing = results.violations.filter((violation) => failingImpacts.has(violation.impact ?? ''));
  const described = failing.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help}\n` +
      violation.nodes
        .map((node) => `    ${node.target.join(' ')} — ${node.failureSummary?.split('\n').join(' ') ?? ''}`)
        .join('\n'),
  );
  expect(described, `axe-core: serious or critical violations on the ${screen} screen`).toEqual([]);
}

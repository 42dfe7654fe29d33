import { defineConfig } from '@playwright/test';
import type { StationTarget } from './test/e2e/harness/support/station-test.js';

/**
 * harness: the real renderer in Debian's Chromium, wired to the real core through the harness.
 * electron: the real app through Playwright's _electron — its own spec and the same flow specs as
 * the harness (their fixture gives a page from the Electron window); skipped with a printed reason
 * where no Electron binary exists (it cannot be downloaded on our CI machines).
 * Screens: every screen's screenshot lands in test-results/screens/<project>/ (see screen-capture.ts).
 */
export default defineConfig<{ stationTarget: StationTarget }>({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  // A flow starts a station (about 7 s on two busy cores) and provisions real simulated devices.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  projects: [
    {
      name: 'harness',
      testDir: 'test/e2e/harness',
      use: {
        stationTarget: 'harness',
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--no-first-run',
            '--disable-sync',
            '--disable-quic',
          ],
        },
      },
    },
    {
      name: 'electron',
      testDir: 'test/e2e',
      testMatch: ['electron/**/*.spec.ts', 'harness/**/*.spec.ts'],
      // It drives a browser page of its own (raw serial ports, the token URL): harness only.
      testIgnore: ['harness/device-list.spec.ts'],
      use: { stationTarget: 'electron' },
    },
  ],
});

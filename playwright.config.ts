import { defineConfig } from '@playwright/test';

/**
 * harness: the real renderer in Debian's Chromium, wired to the real core through the harness.
 * electron: the real app through Playwright's _electron; skipped with a printed reason where no
 * Electron binary exists (it cannot be downloaded on our CI machines).
 */
export default defineConfig({
  testDir: 'test/e2e',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  projects: [
    {
      name: 'harness',
      testDir: 'test/e2e/harness',
      use: {
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
    { name: 'electron', testDir: 'test/e2e/electron' },
  ],
});

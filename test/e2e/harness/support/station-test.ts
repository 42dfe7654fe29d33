import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  _electron as electron,
  test as base,
  type Browser,
  type ElectronApplication,
  type Page,
} from '@playwright/test';
import { startHarnessProcess, projectRoot, type HarnessProcess } from './harness-process.js';
import { startTestBench, type TestBench, type TestBenchOptions } from './test-bench.js';

/**
 * The flow specs' fixtures. A spec asks for a station (`launchStation`) and gets a page showing it,
 * in whichever target its Playwright project names: the harness (the built renderer in Debian's
 * Chromium, wired to the real core in a `serve.ts` child process) or the Electron app, where an
 * Electron binary exists. Everything a station needs lives in the test's own temporary folders.
 */

export type StationTarget = 'harness' | 'electron';

/** Where the electron package keeps its binary, when its download succeeded. */
export function electronBinary(): string | undefined {
  const pathFile = join(projectRoot, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(projectRoot, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

export const noElectronReason =
  'electron project skipped: no Electron binary in node_modules/electron/dist (it is downloaded on install on a normal machine and cannot be downloaded here); the harness project covers the renderer, preload API and core.';

export interface LaunchOptions {
  /**
   * A bench the test started itself (its sandbox and devices): the station runs on its profile and
   * watches its ports. Without one, the station starts its own embedded sandbox with simulated
   * devices (harness) — in Electron, whose shell starts no embedded sandbox, the fixture starts an
   * equivalent bench and hands its profile over.
   */
  bench?: TestBench;
  /** Embedded bench only: how many simulated devices, their faults, the unplug length. */
  devices?: number;
  deviceFaults?: string[];
  deviceUnplugMs?: number;
  /** The station's data folder; a fresh one by default (give the same one to restart a station). */
  dataDirectory?: string;
  /** Runs on the page before the station's page loads (init scripts such as a long-task probe). */
  beforeLoad?: (page: Page) => Promise<void>;
}

export interface Station {
  page: Page;
  dataDirectory: string;
  /** Where the simulated devices' ports are (embedded bench: inside the data folder). */
  devicesDirectory: string | null;
  /** Closes the page and stops the station (its data folder stays until the test ends). */
  close(): Promise<void>;
}

interface WorkerFixtures {
  stationTarget: StationTarget;
  /** The harness target's Chromium, launched once per worker with the project's launch options. */
  stationBrowser: Browser | undefined;
}

interface TestFixtures {
  /** Skips the test, with the printed reason, where its target cannot run. Runs before anything else. */
  targetGate: void;
  /**
   * A fresh temporary folder, removed after the test; `memory` puts it on tmpfs where there is one
   * (a journal seeded with thousands of fsynced rows is written in a second there, not five).
   */
  makeTempDirectory: (prefix: string, options?: { memory?: boolean }) => string;
  /** A bench of the test's own (sandbox + devices), stopped after the test. */
  startBench: (options: Omit<TestBenchOptions, 'directory'>) => Promise<TestBench>;
  /** Starts a station and opens its page; everything is stopped after the test. */
  launchStation: (options?: LaunchOptions) => Promise<Station>;
}

let printedElectronReason = false;

export const test = base.extend<TestFixtures, WorkerFixtures>({
  stationTarget: ['harness', { option: true, scope: 'worker' }],

  stationBrowser: [
    async ({ stationTarget, playwright, launchOptions }, use) => {
      if (stationTarget !== 'harness') {
        await use(undefined);
        return;
      }
      const browser = await playwright.chromium.launch(launchOptions);
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],

  targetGate: [
    async ({ stationTarget }, use, testInfo) => {
      if (stationTarget === 'electron' && !electronBinary()) {
        if (!printedElectronReason) console.log(noElectronReason);
        printedElectronReason = true;
        testInfo.skip(true, noElectronReason);
      }
      await use();
    },
    { auto: true },
  ],

  // Playwright reads a fixture's dependencies from its first parameter's pattern: none here.
  // eslint-disable-next-line no-empty-pattern
  makeTempDirectory: async ({}, use) => {
    const made: string[] = [];
    await use((prefix, options = {}) => {
      const base = options.memory && existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
      const directory = mkdtempSync(join(base, `station-e2e-${prefix}-`));
      made.push(directory);
      return directory;
    });
    for (const directory of made) rmSync(directory, { recursive: true, force: true });
  },

  startBench: async ({ makeTempDirectory }, use) => {
    const benches: TestBench[] = [];
    await use(async (options) => {
      const bench = await startTestBench({ ...options, directory: makeTempDirectory('bench') });
      benches.push(bench);
      return bench;
    });
    // After the stations (fixtures tear down in reverse order of set-up: launchStation first).
    for (const bench of benches) await bench.stop();
  },

  launchStation: async ({ stationTarget, stationBrowser, makeTempDirectory, startBench }, use, testInfo) => {
    const stations: { close(): Promise<void>; page: Page; log(): string }[] = [];
    const pageErrors: string[] = [];
    await use(async (options = {}) => {
      const dataDirectory = options.dataDirectory ?? makeTempDirectory('data');
      const started =
        stationTarget === 'harness'
          ? await launchInHarness(stationBrowser!, dataDirectory, options)
          : await launchInElectron(dataDirectory, options, startBench);
      started.page.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
      // A console error is a CSP violation, a failed request or a React warning: all are defects.
      started.page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
      });
      stations.push(started);
      return {
        page: started.page,
        dataDirectory,
        devicesDirectory: started.devicesDirectory,
        close: () => started.close(),
      };
    });
    const failed = testInfo.status !== testInfo.expectedStatus;
    for (const [index, station] of stations.entries()) {
      if (failed && !station.page.isClosed()) {
        const picture = await station.page.screenshot({ fullPage: true }).catch(() => undefined);
        if (picture)
          await testInfo.attach(`failure-${index}.png`, { body: picture, contentType: 'image/png' });
      }
      await station.close();
      if (failed) await testInfo.attach(`station-log-${index}.txt`, { body: station.log() });
    }
    // The renderer must never throw or log an error: either is a failure of the screen it happened on.
    if (!failed && pageErrors.length > 0) {
      throw new Error(`The page threw or logged errors:\n${pageErrors.join('\n')}`);
    }
  },
});

export { expect } from '@playwright/test';

interface LaunchedStation {
  page: Page;
  devicesDirectory: string | null;
  log(): string;
  close(): Promise<void>;
}

async function launchInHarness(
  browser: Browser,
  dataDirectory: string,
  options: LaunchOptions,
): Promise<LaunchedStation> {
  const harness: HarnessProcess = await startHarnessProcess({
    dataDirectory,
    ...(options.bench
      ? { profilePath: options.bench.profilePath, portPatterns: [options.bench.portPattern], devices: 0 }
      : {
          ...(options.devices !== undefined ? { devices: options.devices } : {}),
          ...(options.deviceFaults ? { deviceFaults: options.deviceFaults } : {}),
          ...(options.deviceUnplugMs !== undefined ? { deviceUnplugMs: options.deviceUnplugMs } : {}),
        }),
  });
  try {
    // A screen two metres from the operator: a laptop-sized window, as the station is used.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await options.beforeLoad?.(page);
    await page.goto(harness.url);
    let closed: Promise<void> | undefined;
    return {
      page,
      devicesDirectory: options.bench?.devicesDirectory ?? harness.devicesDirectory,
      log: () => harness.log(),
      close: () =>
        (closed ??= (async () => {
          await context.close();
          await harness.stop();
        })()),
    };
  } catch (error) {
    await harness.stop();
    throw error;
  }
}

async function launchInElectron(
  dataDirectory: string,
  options: LaunchOptions,
  startBench: (options: Omit<TestBenchOptions, 'directory'>) => Promise<TestBench>,
): Promise<LaunchedStation> {
  const bench =
    options.bench ??
    (await startBench({
      name: 'Sandbox (embedded)',
      devices: options.devices ?? 3,
      ...(options.deviceFaults ? { faults: options.deviceFaults } : {}),
      ...(options.deviceUnplugMs !== undefined ? { unplugMs: options.deviceUnplugMs } : {}),
    }));
  let log = '';
  const app: ElectronApplication = await electron.launch({
    executablePath: electronBinary(),
    args: [projectRoot, `--user-data-dir=${dataDirectory}`],
    env: {
      ...(process.env as Record<string, string>),
      STATION_PROFILE: bench.profilePath,
      STATION_SERIAL_PORTS: bench.portPattern,
    },
  });
  app.process().stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-64 * 1024);
  });
  const page = await app.firstWindow();
  if (options.beforeLoad) {
    // The window loads as it opens: init scripts take effect from the next load.
    await options.beforeLoad(page);
    await page.reload();
  }
  let closed: Promise<void> | undefined;
  return {
    page,
    devicesDirectory: bench.devicesDirectory,
    log: () => log,
    close: () => (closed ??= app.close()),
  };
}

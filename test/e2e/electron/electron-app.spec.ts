import { projectRoot } from '../harness/support/harness-process.js';
import { electronBinary, expect, test } from '../harness/support/station-test.js';

/**
 * The app itself in Electron. The flow specs in ../harness run here too (their fixture hands them
 * the Electron window); this one checks what only Electron has: the sandboxed window on app://.
 * Where no binary exists, the fixture skips every test of this project with one printed reason.
 */
test.describe('the packaged app in Electron', () => {
  test('opens one sandboxed window showing the station version', async ({
    playwright,
    makeTempDirectory,
  }) => {
    const app = await playwright._electron.launch({
      executablePath: electronBinary(),
      args: [projectRoot, `--user-data-dir=${makeTempDirectory('electron-user-data')}`],
    });
    try {
      const window = await app.firstWindow();
      await expect(window.getByTestId('app-version')).toBeVisible();
      const hasNode = await window.evaluate(() => typeof (globalThis as { require?: unknown }).require);
      expect(hasNode).toBe('undefined');
      expect(window.url()).toMatch(/^app:\/\/station\//);
      expect(app.windows()).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});

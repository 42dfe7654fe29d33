import { join } from 'node:path';
import { app, BrowserWindow, dialog, protocol, session, shell } from 'electron';
import { startEmbeddedBench, type EmbeddedBench } from '../../../sandbox/orchestrator/embedded-bench.js';
import type { StationProfile } from '../../shared/station-profile-schema.js';
import { appOrigin } from '../core/app-protocol-path.js';
import type { EmbeddedSandbox } from '../core/embedded-sandbox.js';
import { StationCore } from '../core/station-core.js';
import { redactSecrets } from '../core/logging/secret-redaction.js';
import { loadProfileFile } from '../core/station-profile.js';
import { appSchemePrivileges, handleAppProtocol } from './app-protocol.js';
import { recordChildProcessGone, recordProcessCrashes, recoverRendererCrashes } from './crash-recording.js';
import { ElectronIpcTransport } from './electron-ipc-transport.js';
import { isOurWindowSender } from './ipc-sender-check.js';
import { electronSecretStorage } from './electron-secret-storage.js';
import { startProfilePath } from './start-profile-path.js';
import { stopThenQuit } from './stop-then-quit.js';
import { guardSession, guardWebContents } from './web-contents-guards.js';
import { mainWindowOptions } from './window-options.js';

/**
 * The Electron shell: app lifecycle, the window, the app:// protocol and the IPC transport. All
 * station logic lives in the core (src/main/core), which has no Electron import.
 */
const toConsole = (line: string) => console.warn(line);
/** The shell's lines go through the core's redacting log (and its log file) once the core exists. */
let coreLog: ((line: string) => void) | undefined;
const log = (line: string) => (coreLog ?? toConsole)(line);

/**
 * Without a profile the station runs on the embedded sandbox and three simulated devices, kept in
 * the app's data folder so users, the registry and the devices' flash survive a restart. Simulated
 * devices need socat and pseudo-terminals; where those are missing (Windows) the sandbox runs
 * without them, for real devices.
 */
function embeddedSandbox(dataDirectory: string): EmbeddedSandbox {
  const dataDir = join(dataDirectory, 'embedded');
  return {
    async start() {
      let bench: EmbeddedBench;
      try {
        bench = await startEmbeddedBench({ dataDir, deviceCount: 3 });
      } catch (error) {
        log(`sandbox: simulated devices could not start (${(error as Error).message}); trying without them`);
        bench = await startEmbeddedBench({ dataDir, deviceCount: 0 });
      }
      log(`sandbox: sign in as ${bench.users.installer.username}; simulated devices in ${bench.devicesDir}`);
      return { profile: bench.profile, portPatterns: bench.portPatterns, stop: () => bench.stop() };
    },
  };
}

app.enableSandbox();
protocol.registerSchemesAsPrivileged([appSchemePrivileges]);

/** `npm start -- --profile FILE` or STATION_PROFILE=FILE: a real account, or a sandbox started apart, for this run. */
const startProfile = startProfilePath(process.argv.slice(1), process.env);

if (!startProfile.ok) {
  console.error(startProfile.message);
  // A usage error: nothing has started yet, so nothing needs stopping.
  app.exit(2);
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | undefined;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, log));

  app.on('window-all-closed', () => app.quit());

  /**
   * A start that fails (journal, data folder, embedded sandbox, window) must not leave a windowless
   * process holding the single-instance lock: say why in a dialog, log it, and exit.
   */
  const failedStart = (error: unknown) => {
    const message = redactSecrets(error instanceof Error ? error.message : String(error));
    const logFolder = join(app.getPath('userData'), 'logs');
    log(`station: could not start: ${message}`);
    dialog.showErrorBox(
      'Provisioning Station could not start',
      `${message}\n\nThe log in ${logFolder} has the details. Start the station again; if this happens again, send that folder to your support contact.`,
    );
    app.exit(1);
  };

  void app
    .whenReady()
    .then(async () => {
      guardSession(session.defaultSession, log);
      handleAppProtocol(session.defaultSession.protocol, join(import.meta.dirname, '../renderer'));

      let profile: StationProfile | undefined;
      if (startProfile.path) {
        try {
          profile = await loadProfileFile(startProfile.path);
        } catch (error) {
          // Nothing has started yet: the operator asked for this profile, so say why and stop.
          console.error((error as Error).message);
          app.exit(1);
          return;
        }
      }
      const dataDirectory = app.getPath('userData');
      const core = new StationCore({
        appName: app.getName(),
        appVersion: app.getVersion(),
        runtime: {
          electron: process.versions.electron ?? null,
          chrome: process.versions.chrome ?? null,
          node: process.versions.node,
        },
        ...(profile ? { profile } : { embeddedSandbox: embeddedSandbox(dataDirectory) }),
        dataDirectory,
        secretStorage: electronSecretStorage(),
        fixedPortPatterns: (process.env.STATION_SERIAL_PORTS ?? '').split(',').filter(Boolean),
        log: toConsole,
        // Only ever the core's own log folder, never a path from the renderer.
        openFolder: (path) => shell.openPath(path),
      });
      coreLog = (line) => core.logLine(line);
      // Crashes are written to the log with what the operator was doing (crash-recording.ts).
      // crashReporter stays off on purpose: a minidump holds process memory, which may hold claim keys.
      recordProcessCrashes(process, core);
      recordChildProcessGone(app, core);
      const windows = () => (mainWindow ? [mainWindow] : []);
      core.connect(
        new ElectronIpcTransport(windows),
        // Only the main frame of our window, at app://station (ipc-sender-check.ts).
        (sender) => isOurWindowSender(sender, mainWindow?.webContents.id),
      );
      await core.start();

      mainWindow = new BrowserWindow(mainWindowOptions(join(import.meta.dirname, '../preload/index.cjs')));
      mainWindow.once('ready-to-show', () => mainWindow?.show());
      recoverRendererCrashes(mainWindow.webContents, core, { log });
      mainWindow.on('closed', () => {
        mainWindow = undefined;
      });
      // The core stops the embedded sandbox and its device processes: let it finish before quitting,
      // but not for ever.
      let stopped = false;
      app.on('before-quit', (event) => {
        if (stopped) return;
        event.preventDefault();
        stopped = true;
        void stopThenQuit({ stop: () => core.stop(), quit: () => app.quit(), log });
      });
      await mainWindow.loadURL(`${appOrigin}/index.html`);
    })
    .catch(failedStart);
}

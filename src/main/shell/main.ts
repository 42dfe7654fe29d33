import { join } from 'node:path';
import { app, BrowserWindow, protocol, session } from 'electron';
import { appOrigin, isAppUrl } from '../core/app-protocol-path.js';
import { StationCore } from '../core/station-core.js';
import { loadProfileFile } from '../core/station-profile.js';
import { appSchemePrivileges, handleAppProtocol } from './app-protocol.js';
import { ElectronIpcTransport } from './electron-ipc-transport.js';
import { electronSecretStorage } from './electron-secret-storage.js';
import { guardSession, guardWebContents } from './web-contents-guards.js';
import { mainWindowOptions } from './window-options.js';

/**
 * The Electron shell: app lifecycle, the window, the app:// protocol and the IPC transport. All
 * station logic lives in the core (src/main/core), which has no Electron import.
 */
const log = (line: string) => console.warn(line);

app.enableSandbox();
protocol.registerSchemesAsPrivileged([appSchemePrivileges]);

if (!app.requestSingleInstanceLock()) {
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

  void app.whenReady().then(async () => {
    guardSession(session.defaultSession);
    handleAppProtocol(session.defaultSession.protocol, join(import.meta.dirname, '../renderer'));

    const core = new StationCore({
      appName: app.getName(),
      appVersion: app.getVersion(),
      runtime: {
        electron: process.versions.electron ?? null,
        chrome: process.versions.chrome ?? null,
        node: process.versions.node,
      },
      ...(process.env.STATION_PROFILE ? { profile: await loadProfileFile(process.env.STATION_PROFILE) } : {}),
      dataDirectory: app.getPath('userData'),
      secretStorage: electronSecretStorage(),
      fixedPortPatterns: (process.env.STATION_SERIAL_PORTS ?? '').split(',').filter(Boolean),
      log,
    });
    const windows = () => (mainWindow ? [mainWindow] : []);
    core.connect(
      new ElectronIpcTransport(windows),
      (sender) => isAppUrl(sender.url) && sender.id === String(mainWindow?.webContents.id),
    );
    await core.start();

    mainWindow = new BrowserWindow(mainWindowOptions(join(import.meta.dirname, '../preload/index.cjs')));
    mainWindow.once('ready-to-show', () => mainWindow?.show());
    mainWindow.on('closed', () => {
      mainWindow = undefined;
    });
    app.on('before-quit', () => void core.stop());
    await mainWindow.loadURL(`${appOrigin}/index.html`);
  });
}

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

/**
 * Runs the real Electron entry (src/main/shell/main.ts) against a stand-in of the Electron API,
 * since no Electron binary exists here, and checks what it asks Electron to do.
 */
const recorded = vi.hoisted(() => ({
  calls: [] as string[],
  windowOptions: [] as unknown[],
  loadedUrls: [] as string[],
  appListeners: new Map<string, ((...args: unknown[]) => void)[]>(),
  ipcChannels: [] as string[],
  ipcListeners: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
  privilegedSchemes: [] as unknown[],
  protocolSchemes: [] as string[],
  ready: undefined as undefined | Promise<void>,
  dataDirectory: '',
  webContentsListeners: [] as string[],
}));

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  class BrowserWindowStandIn extends EventEmitter {
    readonly webContents = {
      id: 7,
      send: vi.fn(),
      on: (event: string) => recorded.webContentsListeners.push(event),
      isDestroyed: () => false,
      reload: () => undefined,
    };
    constructor(options: unknown) {
      super();
      recorded.windowOptions.push(options);
    }
    loadURL(url: string) {
      recorded.loadedUrls.push(url);
      return Promise.resolve();
    }
    show() {}
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
  }
  let resolveReady!: () => void;
  recorded.ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const app = {
    enableSandbox: () => recorded.calls.push('enableSandbox'),
    requestSingleInstanceLock: () => {
      recorded.calls.push('requestSingleInstanceLock');
      return true;
    },
    quit: () => recorded.calls.push('quit'),
    on: (name: string, listener: (...args: unknown[]) => void) => {
      recorded.appListeners.set(name, [...(recorded.appListeners.get(name) ?? []), listener]);
    },
    whenReady: () => {
      resolveReady();
      return Promise.resolve();
    },
    getName: () => 'Provisioning Station',
    getVersion: () => '9.9.9',
    getPath: () => recorded.dataDirectory,
  };
  const session = {
    defaultSession: {
      protocol: { handle: (scheme: string) => recorded.protocolSchemes.push(scheme) },
      setPermissionRequestHandler: () => recorded.calls.push('setPermissionRequestHandler'),
      setPermissionCheckHandler: () => recorded.calls.push('setPermissionCheckHandler'),
      setDevicePermissionHandler: () => recorded.calls.push('setDevicePermissionHandler'),
      on: (event: string) => recorded.calls.push(`session.on:${event}`),
    },
  };
  return {
    app,
    session,
    shell: { openPath: () => Promise.resolve('') },
    BrowserWindow: BrowserWindowStandIn,
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => recorded.privilegedSchemes.push(...schemes),
    },
    ipcMain: {
      handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => Promise<unknown>) => {
        recorded.ipcChannels.push(channel);
        recorded.ipcListeners.set(channel, listener);
      },
      removeHandler: () => undefined,
    },
    // A Linux desktop without a keyring: Electron would fall back to its fixed-password backend.
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'basic_text',
      encryptString: () => {
        throw new Error('the shell must not encrypt with the basic_text backend');
      },
      decryptString: () => '',
    },
  };
});

import { invokeChannelNames } from '../../../src/shared/ipc-channels.js';

/** The crash handlers the shell adds to this test process are taken off again afterwards. */
const processListenersBefore = {
  uncaughtException: process.listeners('uncaughtException'),
  unhandledRejection: process.listeners('unhandledRejection'),
};

describe('Electron shell (against a stand-in of the Electron API)', () => {
  afterAll(() => {
    for (const listener of process.listeners('uncaughtException')) {
      if (!processListenersBefore.uncaughtException.includes(listener))
        process.off('uncaughtException', listener);
    }
    for (const listener of process.listeners('unhandledRejection')) {
      if (!processListenersBefore.unhandledRejection.includes(listener))
        process.off('unhandledRejection', listener);
    }
  });

  afterAll(async () => {
    const event = { preventDefault: () => recorded.calls.push('quit-deferred') };
    for (const listener of recorded.appListeners.get('before-quit') ?? []) listener(event);
    // The shell quits only once the core, and the embedded sandbox with its device processes, stopped.
    await vi.waitFor(() => expect(recorded.calls).toContain('quit'), { timeout: 10_000 });
    expect(recorded.calls).toContain('quit-deferred');
  });

  it('applies the security baseline and opens one window at app://station', async () => {
    recorded.dataDirectory = mkdtempSync(join(tmpdir(), 'station-shell-'));
    delete process.env.STATION_PROFILE;
    await import('../../../src/main/shell/main.js');
    await recorded.ready;
    await vi.waitFor(() => expect(recorded.loadedUrls).toHaveLength(1), { timeout: 10_000 });

    expect(recorded.calls.slice(0, 2)).toEqual(['enableSandbox', 'requestSingleInstanceLock']);
    expect(recorded.calls).toEqual(
      expect.arrayContaining([
        'setPermissionRequestHandler',
        'setPermissionCheckHandler',
        'setDevicePermissionHandler',
        'session.on:will-download',
      ]),
    );
    expect(recorded.privilegedSchemes).toEqual([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ]);
    expect(recorded.protocolSchemes).toEqual(['app']);
    expect(recorded.windowOptions).toHaveLength(1);
    expect(recorded.windowOptions[0]).toMatchObject({
      webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true },
    });
    expect(recorded.loadedUrls).toEqual(['app://station/index.html']);
    // No STATION_PROFILE: the embedded sandbox runs, its simulated devices in the app's data folder.
    expect(
      readdirSync(join(recorded.dataDirectory, 'embedded', 'devices')).filter((name) =>
        name.startsWith('tty-'),
      ),
    ).toHaveLength(3);
    expect(recorded.ipcChannels.sort()).toEqual([...invokeChannelNames].sort());
    expect([...recorded.appListeners.keys()]).toEqual(
      expect.arrayContaining([
        'second-instance',
        'web-contents-created',
        'window-all-closed',
        'child-process-gone',
      ]),
    );
  });

  it("answers only the main frame of its own window at app://station (the shell's real sender check)", async () => {
    const invoke = recorded.ipcListeners.get('app.info');
    expect(invoke).toBeDefined();
    const mainFrame = { url: 'app://station/index.html', processId: 3, routingId: 1 };
    const call = (
      sender: { id: number; mainFrame: typeof mainFrame },
      senderFrame: typeof mainFrame | null,
    ) => invoke!({ sender, senderFrame }) as Promise<{ ok: boolean; error?: { code: string } }>;
    const ourWindow = { id: 7, mainFrame };

    expect(await call(ourWindow, mainFrame)).toMatchObject({ ok: true });
    // An iframe inside our page, even at our own origin, is refused; so are a gone frame and another window.
    const iframe = { url: 'app://station/index.html', processId: 3, routingId: 2 };
    expect(await call(ourWindow, iframe)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call(ourWindow, null)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call({ id: 8, mainFrame }, mainFrame)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const elsewhere = { url: 'https://example.com/', processId: 4, routingId: 1 };
    expect(await call({ id: 7, mainFrame: elsewhere }, elsewhere)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('records a main-process crash in the log file of the app data folder', () => {
    // The shell's crash handlers are on this process and the window's webContents.
    expect(recorded.webContentsListeners).toContain('render-process-gone');
    const added = process
      .listeners('uncaughtException')
      .filter((listener) => !(processListenersBefore.uncaughtException as unknown[]).includes(listener));
    expect(added).toHaveLength(1);
    added[0]!(new Error('shell test: a main-process failure'), 'uncaughtException');
    const logFile = join(recorded.dataDirectory, 'logs', 'station.log');
    const text = readFileSync(logFile, 'utf8');
    expect(text).toContain('CRASH #1 begin: main process, uncaught exception');
    expect(text).toContain('CRASH #1 error: Error: shell test: a main-process failure');
    expect(text).toContain('CRASH #1 profile: Sandbox (embedded)');
  });
});

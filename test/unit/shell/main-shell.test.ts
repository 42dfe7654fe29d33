import { mkdtempSync, readdirSync } from 'node:fs';
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
  privilegedSchemes: [] as unknown[],
  protocolSchemes: [] as string[],
  ready: undefined as undefined | Promise<void>,
  dataDirectory: '',
}));

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  class BrowserWindowStandIn extends EventEmitter {
    readonly webContents = { id: 7, send: vi.fn() };
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
    BrowserWindow: BrowserWindowStandIn,
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => recorded.privilegedSchemes.push(...schemes),
    },
    ipcMain: {
      handle: (channel: string) => recorded.ipcChannels.push(channel),
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

describe('Electron shell (against a stand-in of the Electron API)', () => {
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
      expect.arrayContaining(['second-instance', 'web-contents-created', 'window-all-closed']),
    );
  });
});

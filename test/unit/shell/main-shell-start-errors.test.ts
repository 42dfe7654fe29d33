import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The real Electron entry (src/main/shell/main.ts), against a stand-in of the Electron API, when
 * the profile asked for at start cannot be used: it says why and exits, and never starts on the
 * embedded sandbox instead.
 */
const recorded = vi.hoisted(() => ({
  calls: [] as string[],
  exitCodes: [] as number[],
  errorBoxes: [] as { title: string; content: string }[],
  windows: 0,
  dataDirectory: '',
}));

// No ipcMain: these starts end before the shell builds its IPC transport.
vi.mock('electron', () => ({
  app: {
    enableSandbox: () => recorded.calls.push('enableSandbox'),
    requestSingleInstanceLock: () => {
      recorded.calls.push('requestSingleInstanceLock');
      return true;
    },
    quit: () => recorded.calls.push('quit'),
    exit: (code: number) => recorded.exitCodes.push(code),
    on: (name: string) => recorded.calls.push(`on:${name}`),
    whenReady: () => {
      recorded.calls.push('whenReady');
      return Promise.resolve();
    },
    getName: () => 'Provisioning Station',
    getVersion: () => '9.9.9',
    getPath: () => recorded.dataDirectory,
  },
  session: {
    defaultSession: {
      protocol: { handle: () => undefined },
      setPermissionRequestHandler: () => undefined,
      setPermissionCheckHandler: () => undefined,
      setDevicePermissionHandler: () => undefined,
      on: () => undefined,
    },
  },
  BrowserWindow: class {
    constructor() {
      recorded.windows++;
    }
  },
  protocol: { registerSchemesAsPrivileged: () => undefined },
  dialog: {
    showErrorBox: (title: string, content: string) => recorded.errorBoxes.push({ title, content }),
  },
  shell: { openPath: () => Promise.resolve('') },
  safeStorage: { isEncryptionAvailable: () => false },
}));

const argv = process.argv;
const errors: string[] = [];

beforeEach(() => {
  recorded.calls.length = 0;
  recorded.exitCodes.length = 0;
  recorded.errorBoxes.length = 0;
  recorded.windows = 0;
  errors.length = 0;
  recorded.dataDirectory = mkdtempSync(join(tmpdir(), 'station-shell-start-'));
  delete process.env.STATION_PROFILE;
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => errors.push(String(line)));
  vi.resetModules();
});
afterEach(() => {
  process.argv = argv;
  vi.restoreAllMocks();
  rmSync(recorded.dataDirectory, { recursive: true, force: true });
});
afterAll(() => {
  process.argv = argv;
});

describe('Electron shell start errors (against a stand-in of the Electron API)', () => {
  it('refuses a bare --profile: says so on the console and exits non-zero before anything starts', async () => {
    process.argv = [argv[0] ?? 'electron', 'main.js', '--profile'];
    await import('../../../src/main/shell/main.js');
    expect(errors).toEqual([expect.stringMatching(/^--profile needs the path of a profile file\./)]);
    expect(recorded.exitCodes).toEqual([2]);
    expect(recorded.calls).not.toContain('requestSingleInstanceLock');
    expect(recorded.calls).not.toContain('whenReady');
    expect(recorded.windows).toBe(0);
  });

  it('says why in a dialog and exits when the station cannot start, instead of lingering without a window', async () => {
    // The data folder is a plain file: nothing can be kept there.
    const blocked = join(recorded.dataDirectory, 'not-a-folder');
    writeFileSync(blocked, '');
    recorded.dataDirectory = blocked;
    process.argv = [argv[0] ?? 'electron', 'main.js'];
    await import('../../../src/main/shell/main.js');
    await vi.waitFor(() => expect(recorded.exitCodes).toEqual([1]));
    expect(recorded.errorBoxes).toEqual([
      {
        title: 'Provisioning Station could not start',
        content: expect.stringContaining(`The log in ${join(blocked, 'logs')} has the details.`),
      },
    ]);
    expect(recorded.windows).toBe(0);
    recorded.dataDirectory = join(blocked, '..');
  });

  it('exits with the reason when the profile file cannot be read, and opens no window', async () => {
    const missing = join(recorded.dataDirectory, 'no-such-profile.json');
    process.argv = [argv[0] ?? 'electron', 'main.js', '--profile', missing];
    await import('../../../src/main/shell/main.js');
    await vi.waitFor(() => expect(recorded.exitCodes).toEqual([1]));
    expect(errors).toEqual([
      `The station profile ${missing} cannot be read (ENOENT). Check the path, or start without a profile.`,
    ]);
    expect(recorded.windows).toBe(0);
  });
});

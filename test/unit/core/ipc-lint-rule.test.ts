import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The lint rule is what keeps raw Electron IPC inside the typed wrapper; prove it bites every spelling. */
describe('lint bans raw ipcMain/ipcRenderer outside the wrapper', () => {
  const eslint = new ESLint();

  async function bannedMessages(code: string, filePath: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? [])
      .filter(
        (message) => message.ruleId === 'no-restricted-syntax' || message.ruleId === 'no-restricted-imports',
      )
      .map((message) => message.message);
  }

  it.each([
    [
      'a named import',
      'src/main/core/leaky.ts',
      "import { ipcMain } from 'electron';\nipcMain.handle('x', () => 1);\n",
    ],
    [
      'a named import in the renderer',
      'src/renderer/src/leaky.ts',
      "import { ipcRenderer } from 'electron';\nvoid ipcRenderer.invoke('x');\n",
    ],
    [
      'an aliased import',
      'src/main/core/leaky.ts',
      "import { ipcMain as m } from 'electron';\nm.handle('x', () => 1);\n",
    ],
    ['a re-export', 'src/main/core/leaky.ts', "export { ipcRenderer } from 'electron';\n"],
    [
      'a computed member with single quotes',
      'src/main/core/leaky.ts',
      "import { app } from 'electron';\nconst e = { app };\n(e as Record<string, unknown>)['ipcMain'];\n",
    ],
    [
      'electron["ipcRenderer"]',
      'src/main/core/leaky.ts',
      'declare const electron: Record<string, unknown>;\nvoid electron["ipcRenderer"];\n',
    ],
    [
      'a template-literal member',
      'src/main/core/leaky.ts',
      'declare const electron: Record<string, unknown>;\nvoid electron[`ipcMain`];\n',
    ],
    [
      'destructuring',
      'src/main/core/leaky.ts',
      'declare const electron: Record<string, unknown>;\nconst { ipcMain } = electron;\nvoid ipcMain;\n',
    ],
    [
      'destructuring a quoted key',
      'src/main/core/leaky.ts',
      "declare const electron: Record<string, unknown>;\nconst { 'ipcMain': m } = electron;\nvoid m;\n",
    ],
    [
      'destructuring a computed key',
      'src/main/core/leaky.ts',
      "declare const electron: Record<string, unknown>;\nconst { ['ipcRenderer']: r } = electron;\nvoid r;\n",
    ],
    [
      'Reflect.get',
      'src/main/core/leaky.ts',
      "declare const electron: object;\nvoid Reflect.get(electron, 'ipcMain');\n",
    ],
    ['a namespace import', 'src/main/core/leaky.ts', "import * as e from 'electron';\nvoid e.ipcMain;\n"],
    [
      'a namespace import used by computed name',
      'src/main/core/leaky.ts',
      "import * as e from 'electron';\nconst name = 'ipc' + 'Main';\nvoid (e as Record<string, unknown>)[name];\n",
    ],
    ['a default import', 'src/main/core/leaky.ts', "import electron from 'electron';\nvoid electron;\n"],
    ['export * from electron', 'src/main/core/leaky.ts', "export * from 'electron';\n"],
    [
      'require(electron).ipcMain',
      'src/main/core/leaky.js',
      "const m = require('electron').ipcMain;\nvoid m;\n",
    ],
    [
      'require(electron) whole',
      'src/main/core/leaky.js',
      "const electron = require('electron');\nvoid electron;\n",
    ],
    [
      'dynamic import()',
      'src/main/core/leaky.ts',
      "const electron = await import('electron');\nvoid electron;\n",
    ],
  ])('flags %s', async (_form, filePath, code) => {
    const messages = await bannedMessages(code, filePath);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) expect(message).toContain('raw ipcMain/ipcRenderer is banned');
  });

  it('leaves named imports of other Electron APIs alone', async () => {
    expect(
      await bannedMessages(
        "import { app, BrowserWindow } from 'electron';\nvoid [app, BrowserWindow];\n",
        'src/main/shell/other.ts',
      ),
    ).toEqual([]);
    expect(
      await bannedMessages("const text = 'ipcMain is banned';\nvoid text;\n", 'src/main/core/notes.ts'),
    ).toEqual([]);
  });

  it('allows it in the Electron transport wrapper', async () => {
    const [result] = await eslint.lintText(
      "import { ipcMain } from 'electron';\nexport const h = (c: string) => ipcMain.removeHandler(c);\n",
      { filePath: 'src/main/shell/electron-ipc-transport.ts' },
    );
    expect(result?.messages.filter((message) => message.message.includes('banned'))).toEqual([]);
  });
});

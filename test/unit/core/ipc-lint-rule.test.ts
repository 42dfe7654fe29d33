import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The lint rule is what keeps raw Electron IPC inside the typed wrapper; prove it bites. */
describe('lint bans raw ipcMain/ipcRenderer outside the wrapper', () => {
  const eslint = new ESLint();

  it.each([
    ['src/main/core/leaky.ts', "import { ipcMain } from 'electron';\nipcMain.handle('x', () => 1);\n"],
    ['src/renderer/src/leaky.ts', "import { ipcRenderer } from 'electron';\nvoid ipcRenderer.invoke('x');\n"],
  ])('flags %s', async (filePath, code) => {
    const [result] = await eslint.lintText(code, { filePath });
    const messages = result?.messages.map((message) => message.message).join('\n') ?? '';
    expect(messages).toContain('raw ipcMain/ipcRenderer is banned');
  });

  it('allows it in the Electron transport wrapper', async () => {
    const [result] = await eslint.lintText(
      "import { ipcMain } from 'electron';\nexport const h = (c: string) => ipcMain.removeHandler(c);\n",
      { filePath: 'src/main/shell/electron-ipc-transport.ts' },
    );
    expect(result?.messages.filter((message) => message.message.includes('banned'))).toEqual([]);
  });
});

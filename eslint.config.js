import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Raw Electron IPC objects may only be touched by the typed wrappers named here. */
const ipcWrapperFiles = ['src/main/shell/electron-ipc-transport.ts', 'src/preload/index.ts'];
/** The Electron stand-in for shell tests has to provide an ipcMain of its own. */
const electronStandInTests = ['test/unit/shell/main-shell.test.ts'];
const rawIpcMessage =
  'Use the typed IPC wrapper (src/main/core/ipc/register-handlers.ts, src/preload/station-api.ts); raw ipcMain/ipcRenderer is banned elsewhere.';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'release/**',
      'coverage/**',
      'test-results/**',
      'playwright-report/**',
      '.sandbox-data/**',
      '.sandbox-devices/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'test/harness/browser/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    ignores: [...ipcWrapperFiles, ...electronStandInTests],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: rawIpcMessage }],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "Identifier[name='ipcMain']", message: rawIpcMessage },
        { selector: "Identifier[name='ipcRenderer']", message: rawIpcMessage },
      ],
    },
  },
  prettier,
);

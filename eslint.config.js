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
const wholeElectronMessage =
  'Import the Electron APIs you use by name (import { app } from "electron"): the whole module object would let raw ipcMain/ipcRenderer past this rule, and raw ipcMain/ipcRenderer is banned outside the typed IPC wrapper.';
/**
 * Every spelling of the raw IPC objects: the name (import, destructuring, `e.ipcMain`), the name as a
 * string (`electron['ipcMain']`, `{ 'ipcMain': m }`, `Reflect.get(e, 'ipcMain')`, template literals),
 * and the whole module object (namespace/default import, require, import(), export *), through which
 * a computed lookup could reach them unseen.
 */
const rawIpcSyntax = [
  { selector: 'Identifier[name=/^ipc(Main|Renderer)$/]', message: rawIpcMessage },
  { selector: 'Literal[value=/^ipc(Main|Renderer)$/]', message: rawIpcMessage },
  { selector: 'TemplateElement[value.cooked=/^ipc(Main|Renderer)$/]', message: rawIpcMessage },
  {
    selector: "ImportDeclaration[source.value='electron'] > ImportNamespaceSpecifier",
    message: wholeElectronMessage,
  },
  {
    selector: "ImportDeclaration[source.value='electron'] > ImportDefaultSpecifier",
    message: wholeElectronMessage,
  },
  { selector: "ExportAllDeclaration[source.value='electron']", message: wholeElectronMessage },
  {
    selector: "CallExpression[callee.name='require'][arguments.0.value='electron']",
    message: wholeElectronMessage,
  },
  { selector: "ImportExpression[source.value='electron']", message: wholeElectronMessage },
];

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
      // What ampx and the Amplify synth generate (amplify/ itself is linted like the rest).
      '.amplify/**',
      'cdk.out/**',
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
    // This file names the raw objects in order to ban them.
    ignores: [...ipcWrapperFiles, ...electronStandInTests, 'eslint.config.js'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: rawIpcMessage }],
        },
      ],
      'no-restricted-syntax': ['error', ...rawIpcSyntax],
    },
  },
  prettier,
);

// `npm start`: make sure the Electron binary is there (downloading it through Electron's own
// install.js on first start), build, and run the station in Electron. Where Electron cannot be had,
// say so in one line and name the harness instead.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { electronBinary } from './electron-binary.mjs';

const require = createRequire(import.meta.url);
const electron = await electronBinary(dirname(require.resolve('electron/package.json')), process.env);
if (!electron.ok) {
  console.error(electron.line);
  process.exit(1);
}

// electron-vite's own bin through this Node: no `npx` lookup, which fails without a shell on Windows.
const electronVite = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
const build = spawnSync(process.execPath, [electronVite, 'build'], { stdio: 'inherit' });
if (build.error) console.error(`Provisioning Station: the build could not run (${build.error.message}).`);
if (build.status !== 0) process.exit(build.status ?? 1);
const child = spawn(electron.binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('error', (error) => {
  console.error(`Provisioning Station: Electron could not be started (${error.message}).`);
  process.exit(1);
});
// Killed by a signal is not a clean exit.
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// `npm start`: make sure the Electron binary is there (downloading it through Electron's own
// install.js on first start), build, and run the station in Electron. Where Electron cannot be had,
// say so in one line and name the harness instead.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { electronBinary } from './electron-binary.mjs';

const require = createRequire(import.meta.url);
const electron = await electronBinary(dirname(require.resolve('electron/package.json')), process.env);
if (!electron.ok) {
  console.error(electron.line);
  process.exit(1);
}

const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const child = spawn(electron.binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('error', (error) => {
  console.error(`Provisioning Station: Electron could not be started (${error.message}).`);
  process.exit(1);
});
child.on('exit', (code) => process.exit(code ?? 0));

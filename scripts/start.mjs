// `npm start`: build and run the station in Electron. Where the Electron binary could not be
// installed, say so in one line and name the harness instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const electronPackage = dirname(require.resolve('electron/package.json'));
const pathFile = join(electronPackage, 'path.txt');
const binary = existsSync(pathFile)
  ? join(electronPackage, 'dist', readFileSync(pathFile, 'utf8').trim())
  : undefined;

if (!binary || !existsSync(binary)) {
  console.error(
    'Provisioning Station: the Electron binary is not installed on this machine (`npm ci` does not fetch it); run `npm run harness` to use the station in a browser instead.',
  );
  process.exit(1);
}

const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));

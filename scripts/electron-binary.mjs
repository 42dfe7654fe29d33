// Finds the Electron binary for `npm start`, fetching it through Electron's own install.js when it
// is missing. Electron 45 has no postinstall: its binary arrives lazily, the first time the package
// resolves its path. We run that same install.js (which uses @electron/get, so ELECTRON_MIRROR,
// electron_config_cache and the other @electron/get settings apply), but capture its stderr so that
// a failed download becomes one readable line instead of a stack trace.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const harnessHint = 'or run `npm run harness` to use the station in a browser';

// install.js prints only `err.stack`; for a network failure that is "TypeError: fetch failed" and
// the cause (ENOTFOUND, ECONNREFUSED, a timeout) sits in `err.cause`, which the stack omits. Undici
// reports the cause on a diagnostics channel; this observer, loaded into install.js's process,
// writes it to the captured stderr. It changes nothing that @electron/get sees.
const causeMarker = 'electron-download-cause:';
const causeObserver = `import { subscribe } from 'node:diagnostics_channel';
subscribe('undici:request:error', ({ error }) => {
  process.stderr.write(${JSON.stringify(causeMarker)} + ' ' + String(error?.message ?? error).split('\\n')[0] + '\\n');
});`;

/**
 * @typedef {{ ok: true, binary: string, downloaded: boolean }} BinaryFound
 * @typedef {{ ok: false, line: string }} BinaryMissing
 */

/**
 * The Electron binary to start, downloading it first when it is missing.
 *
 * @param {string} electronDir folder of the `electron` package
 * @param {NodeJS.ProcessEnv} env environment for the lookup and for install.js
 * @param {{ announce?: (line: string) => void }} [options] where the "downloading" line goes
 * @returns {Promise<BinaryFound | BinaryMissing>} the binary, or the one line to show instead
 */
export async function electronBinary(electronDir, env, options = {}) {
  const announce = options.announce ?? ((line) => console.log(line));
  const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'));
  const pathFile = join(electronDir, 'path.txt');
  const platformPath = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;

  // The same choice as the package's index.js: an override folder wins and is never downloaded into.
  const overrideDir = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (overrideDir) {
    const binary = join(overrideDir, platformPath || 'electron');
    if (existsSync(binary)) return { ok: true, binary, downloaded: false };
    return {
      ok: false,
      line: `Provisioning Station: ELECTRON_OVERRIDE_DIST_PATH is set but ${binary} does not exist; point it at a folder holding the Electron ${version} binary, ${harnessHint}.`,
    };
  }
  if (platformPath && existsSync(join(electronDir, 'dist', platformPath))) {
    return { ok: true, binary: join(electronDir, 'dist', platformPath), downloaded: false };
  }

  // install.js itself no longer honours this variable; we do, because users set it on purpose.
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    return {
      ok: false,
      line: `Provisioning Station: the Electron ${version} binary is not installed and its download was skipped because ELECTRON_SKIP_BINARY_DOWNLOAD is set; unset it to download, ${harnessHint}.`,
    };
  }

  // Named as install.js names them, so the line matches what is fetched.
  const platform = env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || process.platform;
  const arch = env.ELECTRON_INSTALL_ARCH || env.npm_config_arch || process.arch;
  announce(
    `Provisioning Station: downloading Electron ${version} for ${platform}-${arch} (about 100 MB, first start only)...`,
  );
  const install = await runInstall(electronDir, env);
  if (install.code !== 0) {
    return {
      ok: false,
      line: `Provisioning Station: Electron ${version} could not be downloaded (${failureReason(install.stderr, install.code)}); check the network, the proxy (ELECTRON_GET_USE_PROXY=1 with HTTPS_PROXY) and ELECTRON_MIRROR, ${harnessHint}.`,
    };
  }
  // A clean run may still have warned (e.g. a deprecated platform); those lines are worth seeing.
  const warnings = install.stderr.split('\n').filter((line) => line.trim() && !line.startsWith(causeMarker));
  if (warnings.length > 0) console.error(warnings.join('\n'));
  const installed = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const binary = join(electronDir, 'dist', installed);
  if (!installed || !existsSync(binary)) {
    return {
      ok: false,
      line: `Provisioning Station: Electron ${version} was downloaded but no binary appeared under ${join(electronDir, 'dist')}; delete that folder and try again, ${harnessHint}.`,
    };
  }
  return { ok: true, binary, downloaded: true };
}

/**
 * Runs the package's install.js with stdout shown and stderr kept for the failure line.
 *
 * @param {string} electronDir
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<{ code: number, stderr: string }>}
 */
function runInstall(electronDir, env) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(causeObserver)}`,
        join(electronDir, 'install.js'),
      ],
      { env, stdio: ['ignore', 'inherit', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => resolve({ code: 1, stderr: `Error: ${error.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/**
 * A few words on why install.js failed, from what it printed.
 *
 * @param {string} stderr
 * @param {number} code
 * @returns {string}
 */
function failureReason(stderr, code) {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const cause = lines.findLast((line) => line.startsWith(causeMarker));
  const errorLine = lines.find((line) => /^\w*Error\b/.test(line)) ?? '';

  const http = /Response code (\d+) \(([^)]*)\) for (\S+)/.exec(errorLine);
  if (http) return `HTTP ${http[1]} ${http[2]} for ${http[3]}`;
  if (errorLine.includes('fetch failed') && cause) return cause.slice(causeMarker.length).trim();
  const mismatch = /checksum for "([^"]+)" did not match/.exec(errorLine);
  if (mismatch) return `checksum mismatch for ${mismatch[1]}`;
  const unlisted = /No checksum found in checksum file for "([^"]+)"/.exec(errorLine);
  if (unlisted) return `no checksum listed for ${unlisted[1]}`;
  const message = errorLine.replace(/^\w*Error:\s*/, '');
  if (message) return message.length > 120 ? `${message.slice(0, 117)}...` : message;
  return `install.js exited with code ${code}`;
}

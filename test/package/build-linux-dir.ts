import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');

export interface LinuxDirBuild {
  /** electron-builder's exit code. */
  code: number | null;
  /** What it printed, stdout and stderr interleaved. */
  output: string;
  /** The unpacked app: linux-unpacked (x64) or linux-<arch>-unpacked. */
  appOutDir: string;
}

/**
 * Runs `electron-builder --dir --linux` on the project as it stands (electron-builder.yml, out/,
 * node_modules) with `electronDist` in place of a downloaded Electron and the output in outputDir,
 * never release/. Nothing is built: out/ must exist already.
 */
export function buildLinuxDir(options: {
  electronDist: string;
  outputDir: string;
  arch: 'x64' | 'arm64';
  /** More electron-builder arguments, such as `-c.` overrides. */
  extraArgs?: string[];
}): Promise<LinuxDirBuild> {
  const args = [
    join(repoRoot, 'node_modules/electron-builder/cli.js'),
    '--dir',
    '--linux',
    `--${options.arch}`,
    '--publish',
    'never',
    `-c.directories.output=${options.outputDir}`,
    `-c.electronDist=${options.electronDist}`,
    ...(options.extraArgs ?? []),
  ];
  const appOutDir = join(
    options.outputDir,
    options.arch === 'x64' ? 'linux-unpacked' : `linux-${options.arch}-unpacked`,
  );
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output, appOutDir }));
  });
}

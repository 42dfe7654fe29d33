import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface PseudoTerminalPair {
  /** The end the station opens (a stable symlink to /dev/pts/N). */
  stationPath: string;
  /** The other end, where a simulated device would sit. */
  devicePath: string;
  close(): Promise<void>;
}

/**
 * A linked pair of pseudo-terminals made by socat, with stable symlink paths: how tests get real
 * serial ports without hardware. close() ends socat, which removes both links.
 */
export async function openPseudoTerminalPair(
  stationPath: string,
  devicePath: string,
): Promise<PseudoTerminalPair> {
  const socat: ChildProcess = spawn(
    'socat',
    [`pty,raw,echo=0,link=${stationPath}`, `pty,raw,echo=0,link=${devicePath}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  socat.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  const spawnFailed = new Promise<never>((_, reject) =>
    socat.once('error', (error) =>
      reject(new Error(`socat could not start (${error.message}); install it: apt-get install socat`)),
    ),
  );
  const deadline = Date.now() + 5000;
  while (!(existsSync(stationPath) && existsSync(devicePath))) {
    if (Date.now() > deadline || socat.exitCode !== null) {
      socat.kill();
      throw new Error(`socat did not create ${stationPath} and ${devicePath}: ${stderr.trim()}`);
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 20)), spawnFailed]);
  }
  return {
    stationPath,
    devicePath,
    async close() {
      if (socat.exitCode === null) {
        socat.kill('SIGTERM');
        await exited;
      }
    },
  };
}

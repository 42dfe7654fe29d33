import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

/**
 * Two linked pseudo-terminals made by socat, reachable at stable symlink paths: the station opens
 * `stationPath`, the simulated device opens `devicePath`. Killing socat is how a cable is "pulled".
 */
export class PtyPair {
  private constructor(
    readonly stationPath: string,
    readonly devicePath: string,
    private readonly process: ChildProcess,
  ) {}

  static async create(stationPath: string, devicePath: string, timeoutMs = 5000): Promise<PtyPair> {
    rmSync(stationPath, { force: true });
    rmSync(devicePath, { force: true });
    const child = spawn(
      'socat',
      [`pty,raw,echo=0,link=${stationPath}`, `pty,raw,echo=0,link=${devicePath}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code) => reject(new Error(`socat exited (${code}): ${stderr.trim()}`)));
      child.once('error', (error) =>
        reject(new Error(`socat could not start (${error.message}); install it: apt-get install socat`)),
      );
    });
    const started = Date.now();
    const linked = (async () => {
      while (!existsSync(stationPath) || !existsSync(devicePath)) {
        if (Date.now() - started > timeoutMs) throw new Error(`socat made no ptys within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    try {
      await Promise.race([linked, exited]);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    exited.catch(() => undefined);
    return new PtyPair(stationPath, devicePath, child);
  }

  /** Ends socat (both ptys vanish) and waits for it. */
  async destroy(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const gone = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await gone;
    }
    rmSync(this.stationPath, { force: true });
    rmSync(this.devicePath, { force: true });
  }
}

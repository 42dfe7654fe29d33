import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const projectRoot = resolve(import.meta.dirname, '../../../..');

/** What `serve.ts --json` prints once the station is listening. */
export interface HarnessAnnouncement {
  url: string;
  dataDirectory: string;
  /** The embedded bench's simulated devices; null when a profile was given. */
  devicesDirectory: string | null;
}

export interface HarnessProcessOptions {
  dataDirectory: string;
  /** A station profile file (a sandbox the test started itself); the embedded sandbox otherwise. */
  profilePath?: string;
  /** Port globs the station watches besides the embedded bench's. */
  portPatterns?: string[];
  /** Simulated devices of the embedded bench (serve.ts default 3). */
  devices?: number;
  /** `name@index` faults for the embedded bench's devices. */
  deviceFaults?: string[];
  deviceUnplugMs?: number;
  pollMs?: number;
}

export interface HarnessProcess extends HarnessAnnouncement {
  /** Everything the harness wrote to stderr so far (its log), for a failing test's report. */
  log(): string;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 60_000;

/** Starts `test/harness/serve.ts --json` as a child process and waits for its announcement. */
export async function startHarnessProcess(options: HarnessProcessOptions): Promise<HarnessProcess> {
  const args = [
    'test/harness/serve.ts',
    '--json',
    '--data-dir',
    options.dataDirectory,
    '--poll-ms',
    String(options.pollMs ?? 200),
  ];
  if (options.profilePath) args.push('--profile', options.profilePath);
  for (const pattern of options.portPatterns ?? []) args.push('--ports', pattern);
  if (options.devices !== undefined) args.push('--devices', String(options.devices));
  for (const fault of options.deviceFaults ?? []) args.push('--device-faults', fault);
  if (options.deviceUnplugMs !== undefined) args.push('--device-unplug-ms', String(options.deviceUnplugMs));

  const child = spawn(join(projectRoot, 'node_modules/.bin/tsx'), args, {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stop() ends tsx and the node it runs, and nothing else.
    detached: true,
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-64 * 1024);
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));

  let announcement: HarnessAnnouncement;
  try {
    announcement = await readAnnouncement(child, () => stderr);
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    ...announcement,
    log: () => stderr,
    stop: () => (stopped ??= stopChild(child, exited)),
  };
}

function readAnnouncement(child: ChildProcess, stderr: () => string): Promise<HarnessAnnouncement> {
  const lines = createInterface({ input: child.stdout! });
  return new Promise<HarnessAnnouncement>((resolveLine, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`harness did not announce itself within ${STARTUP_TIMEOUT_MS} ms:\n${stderr()}`)),
      STARTUP_TIMEOUT_MS,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`harness exited with ${String(code)} before announcing itself:\n${stderr()}`));
    });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolveLine(JSON.parse(line) as HarnessAnnouncement);
    });
  });
}

/** SIGTERM to the harness's process group (it stops its sandbox and devices), SIGKILL if it hangs. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  signalGroup('SIGTERM');
  const timeout = new Promise<'timeout'>((resolveTimeout) =>
    setTimeout(() => resolveTimeout('timeout'), 10_000).unref(),
  );
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    signalGroup('SIGKILL');
    await exited;
  }
}

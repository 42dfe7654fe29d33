import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** The sandbox CLI as `npm run sandbox` runs it: a separate process, stopped with SIGTERM. */

/**
 * Starts `sandbox/sandbox-cli.ts` with these arguments. The hook's variables come only from
 * `environment`: a developer's own shell must not change a test's outcome.
 */
export function sandboxCli(
  args: string[],
  environment: Record<string, string> = {},
): ChildProcessWithoutNullStreams {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_NO_WARNINGS: '1', ...environment };
  if (!('SERIAL_NUMBER_PATTERN' in environment)) delete env['SERIAL_NUMBER_PATTERN'];
  if (!('DENIED_SERIAL_NUMBERS' in environment)) delete env['DENIED_SERIAL_NUMBERS'];
  return spawn(process.execPath, ['--import', 'tsx', 'sandbox/sandbox-cli.ts', ...args], {
    cwd: process.cwd(),
    env,
  });
}

/** Everything the process printed (stdout and stderr) and its exit code, once it has ended. */
export function finished(
  child: ChildProcessWithoutNullStreams,
): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

/** What `start` printed on stdout up to "Press Ctrl+C to stop.", waiting at most 20 s. */
export function startedOutput(child: ChildProcessWithoutNullStreams): Promise<string> {
  let printed = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 20 s: ${printed}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      if (printed.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve(printed);
      }
    });
  });
}

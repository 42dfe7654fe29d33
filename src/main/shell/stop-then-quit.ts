/** How long quitting waits for the core to stop (embedded sandbox, device processes, journal). */
export const STOP_LIMIT_MS = 5000;

/**
 * Waits for `stop` at most `limitMs`, then quits either way: a core that hangs or fails while
 * stopping must not keep the app from closing. The journal makes a hard stop safe.
 */
export async function stopThenQuit(options: {
  stop: () => Promise<void>;
  quit: () => void;
  log: (line: string) => void;
  limitMs?: number;
}): Promise<void> {
  const limitMs = options.limitMs ?? STOP_LIMIT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), limitMs)));
  try {
    const outcome = await Promise.race([options.stop().then(() => 'stopped' as const), late]);
    if (outcome === 'late') {
      options.log(`shell: the station did not stop within ${limitMs / 1000} s; quitting anyway`);
    }
  } catch (error) {
    options.log(`shell: stopping the station failed (${(error as Error).message}); quitting anyway`);
  } finally {
    clearTimeout(timer);
    options.quit();
  }
}

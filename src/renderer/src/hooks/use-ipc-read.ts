import { useCallback, useEffect, useState } from 'react';
import type { IpcResult } from '../../../shared/ipc-result.js';

export interface IpcRead<T> {
  /** The latest answer (kept while a newer read is under way); null until the first one arrives. */
  result: IpcResult<T> | null;
  /** True until the answer to the current inputs has arrived. */
  loading: boolean;
  /** Reads again (a "Try again" or "Refresh" button). */
  reload: () => void;
}

/**
 * A read from main that follows its inputs: a new read whenever `deps` (plain values: ids,
 * filters) change or `reload` is called. Only the newest answer counts — a late answer to an older
 * read, or one arriving after the screen went away, is dropped.
 */
export function useIpcRead<T>(read: () => Promise<IpcResult<T>>, deps: readonly unknown[]): IpcRead<T> {
  const [attempt, setAttempt] = useState(0);
  const [answer, setAnswer] = useState<{ key: string; result: IpcResult<T> } | null>(null);
  const key = JSON.stringify([...deps, attempt]);

  useEffect(() => {
    let current = true;
    void read().then((result) => {
      if (current) setAnswer({ key, result });
    });
    return () => {
      current = false;
    };
    // The key stands for the caller's deps: a read starts when they (or the attempt) change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const reload = useCallback(() => setAttempt((count) => count + 1), []);
  return { result: answer?.result ?? null, loading: answer?.key !== key, reload };
}

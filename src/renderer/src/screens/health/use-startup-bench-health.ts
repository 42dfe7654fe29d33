import { useEffect, useState } from 'react';
import { useStationStore } from '../../store/use-station-state.js';
import { startupProblemTextOf } from './check-status.js';

/**
 * Runs the bench checks once when the station starts and says, in one line, which found a
 * problem; null when none did, the check could not run, or the operator dismissed it.
 */
export function useStartupBenchHealth(): { problem: string | null; dismiss: () => void } {
  const store = useStationStore();
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void store.api.health.check().then((result) => {
      if (live) setProblem(startupProblemTextOf(result.ok ? result.value : null));
    });
    return () => {
      live = false;
    };
  }, [store]);

  return { problem, dismiss: () => setProblem(null) };
}

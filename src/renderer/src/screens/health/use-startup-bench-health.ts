import { useState } from 'react';
import { useIpcRead } from '../../hooks/use-ipc-read.js';
import { useStationStore } from '../../store/use-station-state.js';
import { startupProblemTextOf } from './check-status.js';

/**
 * Runs the bench checks once when the station starts and says, in one line, which found a
 * problem; null when none did, the check could not run, or the operator dismissed it.
 */
export function useStartupBenchHealth(): { problem: string | null; dismiss: () => void } {
  const store = useStationStore();
  const checks = useIpcRead(() => store.api.health.check(), []);
  const [dismissed, setDismissed] = useState(false);
  const problem = checks.result ? startupProblemTextOf(checks.result.ok ? checks.result.value : null) : null;
  return { problem: dismissed ? null : problem, dismiss: () => setDismissed(true) };
}

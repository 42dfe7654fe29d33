import { isBatchOpen } from '../store/queue-state.js';
import { useStationState } from '../store/use-station-state.js';
import { BatchQueueScreen } from './BatchQueueScreen.js';
import { BatchSetupScreen } from './BatchSetupScreen.js';

/**
 * The batch tab: set-up while no batch is open, the queue while one runs or is paused.
 * `focusRunId` is the run whose detail the operator came back from (the queue returns to it).
 */
export function BatchScreen({ focusRunId }: { focusRunId?: string | undefined }) {
  const { queue } = useStationState();
  return isBatchOpen(queue.batch) ? <BatchQueueScreen focusRunId={focusRunId} /> : <BatchSetupScreen />;
}

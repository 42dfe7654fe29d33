import { useStationState } from '../store/use-station-state.js';
import { BatchQueueScreen } from './BatchQueueScreen.js';
import { BatchSetupScreen } from './BatchSetupScreen.js';

/** The batch tab: set-up while no batch is open, the queue while one runs or is paused. */
export function BatchScreen() {
  const { queue } = useStationState();
  const open = queue.batch?.status === 'running' || queue.batch?.status === 'paused';
  return open ? <BatchQueueScreen /> : <BatchSetupScreen />;
}

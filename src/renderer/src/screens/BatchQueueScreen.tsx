import { DeviceList } from '../components/DeviceList.js';
import { PortSettings } from '../components/PortSettings.js';
import type { StationState } from '../store/station-store.js';

/** The operator's main screen: the batch queue, and the devices tethered to the bench. */
export function BatchQueueScreen({ state }: { state: StationState }) {
  return (
    <main className="screen queue" aria-labelledby="queue-heading">
      <section className="panel" aria-labelledby="queue-heading">
        <header className="panel-header">
          <h1 id="queue-heading">Batch queue</h1>
          <span className="badge">0 queued</span>
        </header>
        <p className="empty">
          The queue is empty. Devices enter it once sign-in and provisioning are available.
        </p>
      </section>
      <DeviceList list={state.devices} />
      <PortSettings patterns={state.devices.configuredPatterns} fixedPatterns={state.devices.fixedPatterns} />
    </main>
  );
}

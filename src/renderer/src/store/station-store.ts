import type { StationApi } from '../../../preload/station-api.js';
import type { IpcResult } from '../../../shared/ipc-result.js';
import type { AppInfo, SerialDeviceList } from '../../../shared/view-models.js';

export interface StationState {
  connection: 'connecting' | 'ready' | 'no-bridge';
  appInfo: AppInfo | null;
  devices: SerialDeviceList;
  /** The last failure an action reported, as the station worded it. */
  notice: string | null;
}

const initialState: StationState = {
  connection: 'connecting',
  appInfo: null,
  devices: { devices: [], configuredPatterns: [], fixedPatterns: [], watchMode: 'polling' },
  notice: null,
};

/**
 * The renderer's only source of truth. It changes only from what the bridge answers or emits, so
 * the screen always shows what main knows — never an optimistic guess.
 */
export class StationStore {
  private state: StationState = initialState;
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): StationState => this.state;

  /** Load the first state and follow events; returns the function that stops following. */
  connect(api: StationApi | undefined): () => void {
    if (!api) {
      this.update({ connection: 'no-bridge' });
      return () => undefined;
    }
    const unsubscribe = api.devices.onChanged((change) => this.update({ devices: change.list }));
    void Promise.all([api.app.info(), api.devices.list()]).then(([info, devices]) => {
      this.update({
        connection: 'ready',
        appInfo: this.valueOr(info, null),
        devices: this.valueOr(devices, this.state.devices),
      });
    });
    return unsubscribe;
  }

  async configurePorts(api: StationApi, patterns: string[]): Promise<boolean> {
    const result = await api.devices.configurePorts(patterns);
    if (result.ok) this.update({ devices: result.value, notice: null });
    else this.update({ notice: result.error.message });
    return result.ok;
  }

  dismissNotice(): void {
    this.update({ notice: null });
  }

  private valueOr<T>(result: IpcResult<T>, fallback: T): T {
    if (result.ok) return result.value;
    this.update({ notice: result.error.message });
    return fallback;
  }

  private update(patch: Partial<StationState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}

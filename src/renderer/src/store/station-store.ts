import type { StationApi } from '../../../preload/station-api.js';
import type { IpcResult } from '../../../shared/ipc-result.js';
import type {
  AppInfo,
  EngineChange,
  EngineView,
  ProfileView,
  SerialDeviceList,
  SessionView,
} from '../../../shared/view-models.js';
import { mergeEngineChange, type QueueState, emptyQueue, queueFromView } from './queue-state.js';

export interface StationState {
  connection: 'connecting' | 'ready' | 'no-bridge';
  appInfo: AppInfo | null;
  profile: ProfileView | null;
  session: SessionView | null;
  devices: SerialDeviceList;
  /** The open batch, its device runs (newest first) and the bays. */
  queue: QueueState;
  /** The last failure an action reported, as the station worded it. */
  notice: string | null;
}

const initialState: StationState = {
  connection: 'connecting',
  appInfo: null,
  profile: null,
  session: null,
  devices: { devices: [], configuredPatterns: [], fixedPatterns: [], watchMode: 'polling' },
  queue: emptyQueue,
  notice: null,
};

/**
 * The renderer's only source of truth for what main knows: it changes only from what the bridge
 * answers or emits, so the screen never shows an optimistic guess. Screens call `api` directly for
 * one-off reads (template details, a run's detail, history) and keep those in their own state.
 */
export class StationStore {
  private state: StationState = initialState;
  private readonly listeners = new Set<() => void>();
  private bridge: StationApi | undefined;
  /** The whole-view read of applyEngineChange: none, one under way, or one under way and one more to come. */
  private wholeRead: 'idle' | 'reading' | 'again' = 'idle';

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): StationState => this.state;

  /** The bridge; screens only reach it once connected (the App shows nothing else before). */
  get api(): StationApi {
    if (!this.bridge) throw new Error('The station bridge is not connected.');
    return this.bridge;
  }

  /** Load the first state and follow events; returns the function that stops following. */
  connect(api: StationApi | undefined): () => void {
    if (!api) {
      this.update({ connection: 'no-bridge' });
      return () => undefined;
    }
    this.bridge = api;
    const unsubscribers = [
      api.devices.onChanged((change) => this.update({ devices: change.list })),
      api.session.onChanged((session) => this.update({ session })),
      api.batch.onChanged((change) => this.applyEngineChange(change)),
    ];
    void this.reload().then(() => this.update({ connection: 'ready' }));
    return () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
    };
  }

  /** Everything main knows, read again (at start and after the profile changed). */
  async reload(): Promise<void> {
    const api = this.api;
    const [info, profile, session, devices, engine] = await Promise.all([
      api.app.info(),
      api.profile.get(),
      api.session.get(),
      api.devices.list(),
      api.batch.get(),
    ]);
    this.update({
      appInfo: this.valueOr(info, this.state.appInfo),
      profile: this.valueOr(profile, this.state.profile),
      session: this.valueOr(session, this.state.session),
      devices: this.valueOr(devices, this.state.devices),
      queue: engine.ok ? queueFromView(engine.value) : this.state.queue,
    });
    if (!engine.ok) this.update({ notice: engine.error.message });
  }

  /**
   * Runs an action and applies what it answers: a session, a profile or an engine view goes into
   * the state; a failure becomes the notice. Returns the result for the screen's own use.
   */
  async act<T>(
    call: Promise<IpcResult<T>>,
    apply?: (value: T) => Partial<StationState>,
  ): Promise<IpcResult<T>> {
    const result = await call;
    if (result.ok) this.update({ notice: null, ...(apply ? apply(result.value) : {}) });
    else this.update({ notice: result.error.message });
    return result;
  }

  /** For actions that answer with the whole engine view (batch.*, bays.probe). */
  readonly engineApplied = (view: EngineView): Partial<StationState> => ({ queue: queueFromView(view) });

  async configurePorts(patterns: string[]): Promise<boolean> {
    const result = await this.act(this.api.devices.configurePorts(patterns), (devices) => ({ devices }));
    return result.ok;
  }

  setNotice(notice: string | null): void {
    this.update({ notice });
  }

  dismissNotice(): void {
    this.update({ notice: null });
  }

  private applyEngineChange(change: EngineChange): void {
    // A change arriving while a whole view is being read may be newer than that view: read once more.
    if (this.wholeRead !== 'idle') this.wholeRead = 'again';
    const merged = mergeEngineChange(this.state.queue, change);
    if (merged) {
      this.update({ queue: merged });
      return;
    }
    // A different batch than the one shown: the change holds only its changed runs, so read it whole.
    this.readWholeView();
  }

  /**
   * Reads the whole engine view, one read at a time: changes that arrive meanwhile fold into one
   * more read when it answers, so a burst of changes costs two reads and a late answer to an older
   * read never lands over a newer one.
   */
  private readWholeView(): void {
    if (this.wholeRead !== 'idle') {
      this.wholeRead = 'again';
      return;
    }
    this.wholeRead = 'reading';
    void this.api.batch.get().then((view) => {
      const again = this.wholeRead === 'again';
      this.wholeRead = 'idle';
      if (view.ok) this.update({ queue: queueFromView(view.value) });
      if (again) this.readWholeView();
    });
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

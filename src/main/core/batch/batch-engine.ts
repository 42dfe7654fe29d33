import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type {
  BatchView,
  BayView,
  EngineChange,
  EngineView,
  RunDetailView,
  RunView,
} from '../../../shared/view-models.js';
import { toThingAttributeValue } from '../aws/thing-attribute-value.js';
import { BayTracker } from '../bays/bay-tracker.js';
import { redactForDisplay } from '../logging/secret-redaction.js';
import type { AuditRecord, BatchRecord, BatchStatus, Journal } from '../journal/journal.js';
import type { DeviceHello } from '../device-link/protocol-messages.js';
import type { ClaimsPort, LinkOpener, RegistryPort } from '../provisioning/engine-ports.js';
import { isFinal, transition } from '../provisioning/run-machine.js';
import { deviceFactsOf, RunExecutor } from '../provisioning/run-executor.js';
import {
  newRun,
  slotPhases,
  type RunEvent,
  type RunPhase,
  type RunState,
} from '../provisioning/run-state.js';
import { StationError } from '../station-error.js';
import type { Clock } from '../time/clock.js';
import { deviceParameters, validateBatchParameters, type DeclaredParameter } from './batch-parameters.js';

export interface OperatorFacts {
  username: string;
  sub: string;
}

export interface BatchEngineOptions {
  journal: Journal;
  clock: Clock;
  /** Recorded on every Thing (StationId) and audit row. */
  stationId: string;
  openLink: LinkOpener;
  claims: () => ClaimsPort;
  registry: () => RegistryPort;
  /** Who is signed in now, or undefined. */
  operator: () => OperatorFacts | undefined;
  log: (line: string) => void;
  timeouts?: Partial<Record<RunPhase, number>>;
  /** Automatic retries after a device reboot, per run (default 2). */
  autoRetryLimit?: number;
  /** Delay before such a retry (ms, default 500). */
  autoRetryDelayMs?: number;
  /** How often view changes are sent (ms, default 100). */
  changeIntervalMs?: number;
  newId?: () => string;
}

export interface StartBatchInput {
  label: string;
  templateName: string;
  parameters: Record<string, string>;
  targetCount: number | null;
  bays: number;
}

interface EngineEvents {
  changed: [EngineChange];
}

const DEVICE_LOG_LINES = 200;
/** After a link dies, the port is probed again this much later. */
const LINK_LOST_REPROBE_MS = 500;
/** Finished runs whose log lines and timings stay in memory. */
const FINISHED_DETAIL_KEPT = 100;

/**
 * The batch queue: one batch at a time, its device runs, the bays they sit in and the slots that
 * bound how many provision at once. Every event goes through the pure state machine and into the
 * journal before its effects run; a restart replays the open batch from the journal.
 */
export class BatchEngine extends EventEmitter<EngineEvents> {
  private batch: BatchRecord | undefined;
  private declared: DeclaredParameter[] = [];
  private readonly runs = new Map<string, RunState>();
  private readonly runBySerial = new Map<string, string>();
  private readonly bays = new BayTracker();
  private readonly probing = new Set<string>();
  private readonly slotHolders = new Set<string>();
  private waiting: string[] = [];
  private readonly executor: RunExecutor;
  private readonly transfers = new Map<string, { heldBytes: number; totalBytes: number }>();
  private readonly deviceLogs = new Map<string, string[]>();
  private readonly autoRetries = new Map<string, number>();
  private readonly finishedOrder: string[] = [];
  private readonly dirty = new Set<string>();
  private cancelFlush: (() => void) | undefined;
  private scheduling = false;
  private recoveryPending = false;
  private recovering = false;
  private knownPorts = new Map<string, string | null>();
  private stopped = false;

  constructor(private readonly options: BatchEngineOptions) {
    super();
    this.executor = new RunExecutor({
      clock: options.clock,
      claims: options.claims,
      registry: options.registry,
      dispatch: (runId, event) => this.dispatch(runId, event),
      onProgress: (runId, progress) => {
        const state = this.runs.get(runId);
        if (state) {
          this.dispatch(
            runId,
            { type: 'progress', at: this.now(), phaseSeq: state.phaseSeq, progress },
            { journal: false },
          );
        }
      },
      onLinkLost: (runId, path) => this.linkLost(runId, path),
      requestSlot: (runId) => this.requestSlot(runId),
      releaseSlot: (runId) => this.releaseSlot(runId),
      writeAudit: (runId) => this.writeAudit(runId),
      templateParameters: (state) => this.parametersFor(state),
      templateName: () => this.batch?.templateName ?? '',
      onTransfer: (runId, heldBytes, totalBytes) => {
        this.transfers.set(runId, { heldBytes, totalBytes });
        this.markDirty(runId);
      },
      onDeviceLog: (runId, line) => {
        const lines = this.deviceLogs.get(runId) ?? [];
        lines.push(line);
        if (lines.length > DEVICE_LOG_LINES) lines.splice(0, lines.length - DEVICE_LOG_LINES);
        this.deviceLogs.set(runId, lines);
      },
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      log: options.log,
    });
  }

  // ---- batch lifecycle ---------------------------------------------------------------------------

  /**
   * Loads the open batch (running or paused) from the journal, if any. Its in-flight runs are
   * re-checked by recover() once an operator is signed in (the registry needs their credentials).
   */
  load(): void {
    const open = this.options.journal.openBatch();
    if (!open) return;
    this.batch = open;
    for (const record of this.options.journal.runsOfBatch(open.id)) {
      const state = JSON.parse(record.snapshot) as RunState;
      this.runs.set(state.runId, state);
      if (state.device) this.runBySerial.set(state.device.serialNumber, state.runId);
    }
    this.recoveryPending = true;
    this.options.log(`batch ${open.id}: reopened after restart with ${this.runs.size} device run(s)`);
    this.markDirty();
  }

  get needsRecovery(): boolean {
    return this.recoveryPending;
  }

  /** Re-checks the reopened batch's unfinished runs (registry first, never provisioning twice). */
  async recover(): Promise<void> {
    if (!this.batch || !this.recoveryPending || this.recovering) return;
    // The flag stays set until the template is known: a failed attempt is tried again at the
    // next session change instead of leaving the reopened batch stuck.
    this.recovering = true;
    try {
      await this.loadTemplate(this.batch.templateName);
    } finally {
      this.recovering = false;
    }
    if (!this.recoveryPending) return;
    this.recoveryPending = false;
    this.fillMissingAudit();
    for (const state of [...this.runs.values()]) {
      this.dispatch(state.runId, { type: 'recover', at: this.now() });
    }
    // Ports present now are probed again: their devices say where they are.
    for (const [path, location] of this.knownPorts) this.portAdded({ path, location });
  }

  async startBatch(input: StartBatchInput): Promise<EngineView> {
    if (this.batch && this.acceptsDevices()) {
      throw new StationError(`Batch "${this.batch.label}" is still open; finish or cancel it first.`);
    }
    const operator = this.options.operator();
    if (!operator) throw new StationError('Sign in before starting a batch.');
    const label = input.label.trim();
    if (label.length === 0 || label.length > 120 || /\p{Cc}/u.test(label)) {
      throw new StationError('The batch label must be 1-120 printable characters.');
    }
    if (!Number.isInteger(input.bays) || input.bays < 1 || input.bays > 32) {
      throw new StationError('The number of parallel bays must be 1-32.');
    }
    if (input.targetCount !== null && (!Number.isInteger(input.targetCount) || input.targetCount < 1)) {
      throw new StationError('The target count must be a whole number of at least 1, or empty.');
    }
    const template = await this.loadTemplate(input.templateName);
    if (!template.enabled) {
      throw new StationError(
        `Template ${input.templateName} is disabled in AWS IoT. Ask your AWS admin to enable it.`,
      );
    }
    const parameters = validateBatchParameters(input.templateName, this.declared, input.parameters);
    const batch: BatchRecord = {
      id: (this.options.newId ?? randomUUID)(),
      label,
      templateName: input.templateName,
      parameters,
      targetCount: input.targetCount,
      bays: input.bays,
      stationId: this.options.stationId,
      operatorUsername: operator.username,
      operatorSub: operator.sub,
      status: 'running',
      createdAt: this.now(),
      finishedAt: null,
    };
    this.options.journal.createBatch(batch);
    this.resetRuns();
    this.batch = batch;
    this.recoveryPending = false;
    this.options.log(`batch ${batch.id}: started "${label}" on ${input.templateName}, ${input.bays} bay(s)`);
    for (const [path, location] of this.knownPorts) this.portAdded({ path, location });
    this.markDirty();
    return this.view();
  }

  pause(): EngineView {
    this.setStatus('paused', ['running']);
    return this.view();
  }

  resume(): EngineView {
    this.setStatus('running', ['paused']);
    this.schedule();
    return this.view();
  }

  /** Cancels every unfinished run (their claims are wiped, devices told to abort) and closes the batch. */
  cancel(): EngineView {
    const batch = this.requireOpenBatch();
    // A failed device stays failed in the record: cancelling the batch does not rewrite that.
    for (const state of this.runs.values()) {
      if (state.phase !== 'failed') this.dispatch(state.runId, { type: 'cancel', at: this.now() });
    }
    this.close(batch, 'cancelled');
    return this.view();
  }

  /** Closes the batch: waiting devices are cancelled, failed ones stay failed; refused while a device is mid-provisioning. */
  finish(): EngineView {
    const batch = this.requireOpenBatch();
    const busy = [...this.runs.values()].filter((state) => slotPhases.includes(state.phase)).length;
    if (busy > 0) {
      throw new StationError(
        `${busy} device(s) are still being provisioned; wait for them to finish, or cancel the batch.`,
      );
    }
    for (const state of this.runs.values()) {
      if (!isFinal(state.phase) && state.phase !== 'failed') {
        this.dispatch(state.runId, { type: 'cancel', at: this.now() });
      }
    }
    this.close(batch, 'finished');
    return this.view();
  }

  // ---- operator actions on one run ---------------------------------------------------------------

  retry(runId: string): RunView {
    const state = this.requireRun(runId);
    if (state.phase !== 'failed') throw new StationError('Only a failed device can be retried.');
    this.requireOpenBatch();
    this.autoRetries.delete(runId);
    this.retryNow(runId);
    return this.runView(this.requireRun(runId));
  }

  cancelRun(runId: string): RunView {
    const state = this.requireRun(runId);
    if (isFinal(state.phase)) throw new StationError('This device is already finished.');
    this.dispatch(runId, { type: 'cancel', at: this.now() });
    return this.runView(this.requireRun(runId));
  }

  confirmReprovision(runId: string): RunView {
    const state = this.requireRun(runId);
    if (state.phase !== 'needs-confirmation') {
      throw new StationError('This device is not waiting for a re-provision confirmation.');
    }
    this.dispatch(runId, { type: 'confirm-reprovision', at: this.now() });
    return this.runView(this.requireRun(runId));
  }

  // ---- ports ------------------------------------------------------------------------------------

  /** Discovery's changes: new ports are probed for a device, gone ones end their link. */
  portsChanged(
    added: readonly { path: string; location: string | null }[],
    removed: readonly string[],
  ): void {
    for (const path of removed) this.portRemoved(path);
    for (const port of added) this.portAdded(port);
  }

  /** The operator asks the station to look at a port again (e.g. one that did not answer). */
  probePort(path: string): EngineView {
    this.requireOpenBatch();
    const location = this.knownPorts.get(path);
    if (location === undefined) {
      throw new StationError(
        `The station does not see a port ${path}; check the cable or add the port in the settings.`,
      );
    }
    const bay = this.bays.get(path);
    if (bay?.runId && this.executor.hasLink(bay.runId)) {
      throw new StationError('A device on this port is already being handled.');
    }
    this.bays.portAdded({ path, location }, this.now());
    void this.probe(path);
    return this.view();
  }

  private portAdded(port: { path: string; location: string | null }): void {
    this.knownPorts.set(port.path, port.location);
    if (!this.acceptsDevices() || this.recoveryPending) return;
    const bay = this.bays.portAdded(port, this.now());
    if (bay.runId && this.executor.hasLink(bay.runId)) return;
    void this.probe(port.path);
  }

  private portRemoved(path: string): void {
    this.knownPorts.delete(path);
    const bay = this.bays.portRemoved(path);
    this.markDirty();
    if (!bay?.runId) return;
    const runId = bay.runId;
    // The run may already have moved to another port (a reboot seen as add-then-remove).
    const linkPath = this.executor.linkPath(runId);
    if (linkPath !== undefined && linkPath !== path) return;
    void this.executor.detachLink(runId);
    this.dispatch(runId, { type: 'device-lost', at: this.now() });
  }

  /** The run's link died while its port may still be listed: the device is gone for now. */
  private linkLost(runId: string, path: string): void {
    this.dispatch(runId, { type: 'device-lost', at: this.now() });
    const bay = this.bays.get(path);
    if (bay?.runId === runId) this.bays.update(path, { status: 'probing', message: null });
    // Look again shortly: a device that rebooted comes back on the same path.
    this.options.clock.setTimer(LINK_LOST_REPROBE_MS, () => {
      if (this.knownPorts.has(path) && !this.executor.hasLink(runId)) void this.probe(path);
    });
  }

  /** Opens the port and asks who is there; an existing run for that serial number continues. */
  private async probe(path: string): Promise<void> {
    if (this.probing.has(path)) return;
    this.probing.add(path);
    this.bays.update(path, { status: 'probing', message: null });
    this.markDirty();
    try {
      const opened = await this.options.openLink(path);
      if (!opened.ok) {
        this.bays.update(path, { status: 'no-answer', message: opened.failure.message });
        return;
      }
      const link = opened.value;
      const hello = await link.hello();
      if (!hello.ok || !this.bays.get(path) || !this.acceptsDevices()) {
        await link.close().catch(() => undefined);
        if (!hello.ok) this.bays.update(path, { status: 'no-answer', message: hello.failure.message });
        return;
      }
      const { device } = deviceFactsOf(hello.value);
      const bay = this.bays.get(path);
      if (!bay) return;
      const existing = this.runBySerial.get(device.serialNumber);
      const livePath = existing ? this.executor.linkPath(existing) : undefined;
      if (existing && livePath !== undefined && livePath !== path && this.knownPorts.has(livePath)) {
        // Two devices answer with one serial number (a factory fault): the one already at work
        // keeps its run, this one is not touched.
        await link.close().catch(() => undefined);
        this.bays.update(path, {
          status: 'released',
          serialNumber: device.serialNumber,
          message: `Serial number ${device.serialNumber} is already connected on ${livePath}; this device was not touched. Set it aside and report the duplicate serial number.`,
        });
        return;
      }
      if (existing) {
        this.adoptExisting(existing, link, bay.portPath, bay.location, hello.value);
        return;
      }
      if (this.targetReached()) {
        await link.close().catch(() => undefined);
        this.bays.update(path, {
          status: 'released',
          serialNumber: device.serialNumber,
          message: 'The batch reached its target count; this device was not touched.',
        });
        return;
      }
      this.createRun(link, bay.bayId, path, bay.location, hello.value);
    } catch (error) {
      // Nothing a device says may crash the station (a serial number the journal refuses, …).
      this.options.log(`bay ${path}: the device could not be taken on: ${(error as Error).message}`);
      this.bays.update(path, {
        status: 'no-answer',
        message:
          'The station could not record this device; set it aside and report it with the system report.',
      });
    } finally {
      this.probing.delete(path);
      this.markDirty();
    }
  }

  private adoptExisting(
    runId: string,
    link: Parameters<RunExecutor['attachLink']>[1],
    path: string,
    location: string | null,
    announced: DeviceHello,
  ): void {
    const state = this.requireRun(runId);
    this.bays.update(path, {
      status: 'device',
      serialNumber: state.device?.serialNumber ?? null,
      runId,
      message: null,
    });
    if (isFinal(state.phase)) {
      // Verified (or cancelled) already: nothing to do but tell the operator to unplug it.
      void link.close().catch(() => undefined);
      this.bays.update(path, {
        message: state.phase === 'done' ? 'Verified — unplug this device.' : 'Cancelled in this batch.',
      });
      return;
    }
    this.executor.attachLink(runId, link, path, announced);
    if (state.phase === 'unplugged' || state.phase === 'failed') {
      this.dispatch(runId, {
        type: 'device-returned',
        at: this.now(),
        portPath: path,
        usbLocation: location,
      });
    }
  }

  private createRun(
    link: Parameters<RunExecutor['attachLink']>[1],
    bayId: string,
    path: string,
    location: string | null,
    announced: DeviceHello,
  ): void {
    const batch = this.requireOpenBatch();
    const serialNumber = announced.serialNumber;
    const state = newRun({
      runId: (this.options.newId ?? randomUUID)(),
      batchId: batch.id,
      bayId,
      portPath: path,
      usbLocation: location,
      at: this.now(),
    });
    this.options.journal.createRun({
      id: state.runId,
      batchId: batch.id,
      bayId,
      attempt: state.attempt,
      serialNumber,
      model: '',
      hardwareRevision: '',
      firmwareVersion: '',
      portPath: path,
      usbLocation: location,
      state: state.phase,
      snapshot: JSON.stringify(state),
      createdAt: state.startedAt,
      updatedAt: state.startedAt,
    });
    this.runs.set(state.runId, state);
    this.runBySerial.set(serialNumber, state.runId);
    this.bays.update(path, { status: 'device', serialNumber, runId: state.runId, message: null });
    this.executor.attachLink(state.runId, link, path, announced);
    this.dispatch(state.runId, { type: 'handshake-started', at: this.now() });
  }

  // ---- the one way a run changes -----------------------------------------------------------------

  /** Applies an event: state machine, then journal, then effects. False when it did not apply. */
  private dispatch(runId: string, event: RunEvent, options: { journal?: boolean } = {}): boolean {
    const state = this.runs.get(runId);
    if (!state || this.stopped) return false;
    const next = transition(state, event);
    if (!next.applied) return false;
    if (options.journal === false) {
      // Device progress changes only what the operator sees: it has no effects and recovery never
      // needs it, so it costs no flushed transaction; the next journaled state carries the latest.
      this.runs.set(runId, next.state);
      this.markDirty(runId);
      return true;
    }
    try {
      this.options.journal.recordTransition(
        runId,
        { at: event.at, type: event.type, payload: JSON.stringify(event) },
        { state: next.state.phase, snapshot: JSON.stringify(next.state) },
      );
    } catch (error) {
      // Nothing happens that the journal does not know about.
      this.options.log(
        `run ${runId}: journal write failed, ${event.type} not applied: ${(error as Error).message}`,
      );
      return false;
    }
    this.runs.set(runId, next.state);
    if (next.state.device) this.runBySerial.set(next.state.device.serialNumber, runId);
    if (event.type !== 'progress' && next.state.phase !== 'delivery') this.transfers.delete(runId);
    this.markDirty(runId);
    this.executor.run(next.state, next.effects);
    this.afterTransition(next.state);
    return true;
  }

  private afterTransition(state: RunState): void {
    if (isFinal(state.phase)) {
      void this.executor.release(state.runId);
      this.retireDetail(state.runId);
      const bay = this.bays.get(state.portPath);
      if (bay?.runId === state.runId && state.phase === 'done') {
        this.bays.update(state.portPath, { message: 'Verified — unplug this device.' });
      }
      this.maybeCompleteTarget();
      return;
    }
    if (state.phase === 'failed' && state.failure?.code === 'DEVICE_REBOOTED') {
      const used = this.autoRetries.get(state.runId) ?? 0;
      if (used < (this.options.autoRetryLimit ?? 2)) {
        // A reboot is the device's own doing: check it again without a click; its HELLO says
        // whether it already holds the identity (then it is verified, not provisioned again).
        this.autoRetries.set(state.runId, used + 1);
        const seq = state.phaseSeq;
        this.options.clock.setTimer(this.options.autoRetryDelayMs ?? 500, () => {
          const now = this.runs.get(state.runId);
          if (now?.phase === 'failed' && now.phaseSeq === seq) this.retryNow(state.runId);
        });
      }
    }
  }

  /** Long batches keep detail (log lines, timings) of only the most recently finished runs. */
  private retireDetail(runId: string): void {
    this.finishedOrder.push(runId);
    while (this.finishedOrder.length > FINISHED_DETAIL_KEPT) {
      const old = this.finishedOrder.shift() as string;
      this.deviceLogs.delete(old);
      this.executor.forget(old);
    }
  }

  private retryNow(runId: string): void {
    if (!this.acceptsDevices()) return;
    this.dispatch(runId, { type: 'retry', at: this.now(), connected: this.executor.hasLink(runId) });
  }

  // ---- slots --------------------------------------------------------------------------------------

  private requestSlot(runId: string): void {
    if (!this.waiting.includes(runId)) this.waiting.push(runId);
    queueMicrotask(() => this.schedule());
  }

  private releaseSlot(runId: string): void {
    this.slotHolders.delete(runId);
    this.waiting = this.waiting.filter((id) => id !== runId);
    queueMicrotask(() => this.schedule());
  }

  /** Grants free slots to queued runs, oldest first, while the batch runs. */
  private schedule(): void {
    if (this.scheduling || this.batch?.status !== 'running') return;
    this.scheduling = true;
    try {
      for (const id of [...this.slotHolders]) {
        const holder = this.runs.get(id);
        if (!holder || !slotPhases.includes(holder.phase)) this.slotHolders.delete(id);
      }
      while (this.slotHolders.size < this.batch.bays && this.waiting.length > 0) {
        const runId = this.waiting.shift() as string;
        if (this.runs.get(runId)?.phase !== 'queued') continue;
        this.slotHolders.add(runId);
        if (!this.dispatch(runId, { type: 'slot-granted', at: this.now() })) this.slotHolders.delete(runId);
      }
    } finally {
      this.scheduling = false;
    }
  }

  // ---- audit --------------------------------------------------------------------------------------

  private writeAudit(runId: string): void {
    const state = this.runs.get(runId);
    const batch = this.batch;
    if (!state || !batch || !state.device) return;
    const operator = this.options.operator() ?? { username: batch.operatorUsername, sub: batch.operatorSub };
    const outcome: AuditRecord['outcome'] =
      state.phase === 'done' ? 'provisioned' : state.phase === 'cancelled' ? 'cancelled' : 'failed';
    const record: AuditRecord = {
      runId,
      batchId: batch.id,
      batchLabel: batch.label,
      at: this.now(),
      operatorUsername: operator.username,
      operatorSub: operator.sub,
      stationId: this.options.stationId,
      bayId: state.bayId,
      serialNumber: state.device.serialNumber,
      model: state.device.model,
      firmwareVersion: state.device.firmwareVersion,
      hardwareRevision: state.device.hardwareRevision,
      templateName: batch.templateName,
      parameters: this.parametersFor(state),
      mode: state.mode,
      thingName: state.result?.thingName ?? null,
      certificateId: state.result?.certificateId ?? null,
      fingerprint: state.result?.fingerprint ?? null,
      outcome,
      ...auditError(state),
      replacedCertificateId: state.replaced?.certificateId ?? null,
      replacedCertificateOutcome: state.replaced?.outcome ?? null,
      durationMs: state.finishedAt !== null ? state.finishedAt - state.startedAt : null,
    };
    try {
      this.options.journal.writeAudit(record);
    } catch (error) {
      this.options.log(`run ${runId}: audit write failed: ${(error as Error).message}`);
    }
  }

  /** Where a run's time went: waiting on its device, on AWS, and the rest (the station's own). */
  timings(runId: string): { totalMs: number | null; deviceMs: number; awsMs: number } {
    const state = this.requireRun(runId);
    const waits = this.executor.waits(runId);
    return { totalMs: state.finishedAt !== null ? state.finishedAt - state.startedAt : null, ...waits };
  }

  /** A crash between a final transition and its audit row must not lose the row. */
  private fillMissingAudit(): void {
    const batch = this.batch;
    if (!batch) return;
    const written = new Set(this.options.journal.audit({ batchId: batch.id }).map((row) => row.runId));
    for (const state of this.runs.values()) {
      if ((isFinal(state.phase) || state.phase === 'failed') && !written.has(state.runId)) {
        this.writeAudit(state.runId);
      }
    }
  }

  // ---- views --------------------------------------------------------------------------------------

  view(): EngineView {
    return {
      batch: this.batchView(),
      runs: [...this.runs.values()].map((state) => this.runView(state)),
      bays: this.bayViews(),
    };
  }

  /**
   * One device's timeline (replayed from the journal), and its recent log lines. A run of an
   * earlier batch, or one from before a restart, is answered from the journal as it was recorded;
   * device log lines live in memory only, so it has none.
   */
  detail(runId: string): RunDetailView {
    const live = this.runs.get(runId);
    if (live) {
      return {
        run: this.runView(live),
        timeline: this.timelineOf(live),
        deviceLog: [...(this.deviceLogs.get(runId) ?? [])],
      };
    }
    const record = this.options.journal.run(runId);
    if (!record) throw new StationError('The station has no record of that device run.');
    const recorded = JSON.parse(record.snapshot) as RunState;
    return { run: this.runView(recorded), timeline: this.timelineOf(recorded), deviceLog: [] };
  }

  /** Replaying the journaled events through the machine gives each one the phase it led to. */
  private timelineOf(current: RunState): { at: number; event: string; phase: RunPhase }[] {
    let state = newRun({
      runId: current.runId,
      batchId: current.batchId,
      bayId: current.bayId,
      portPath: current.portPath,
      usbLocation: current.usbLocation,
      at: current.startedAt,
    });
    return this.options.journal
      .eventsOfRun(current.runId)
      .filter((entry) => entry.type !== 'progress')
      .map((entry) => {
        const event = JSON.parse(entry.payload) as RunEvent;
        state = transition(state, event).state;
        return { at: entry.at, event: entry.type, phase: state.phase };
      });
  }

  runView(state: RunState): RunView {
    const claimMatters =
      state.phase === 'claim' || state.phase === 'delivery' || state.phase === 'provisioning';
    return {
      runId: state.runId,
      batchId: state.batchId,
      bayId: state.bayId,
      portPath: state.portPath,
      attempt: state.attempt,
      phase: state.phase,
      phaseStartedAt: state.phaseStartedAt,
      startedAt: state.startedAt,
      finishedAt: state.finishedAt,
      serialNumber: state.device?.serialNumber ?? null,
      model: state.device?.model ?? null,
      hardwareRevision: state.device?.hardwareRevision ?? null,
      firmwareVersion: state.device?.firmwareVersion ?? null,
      mode: state.mode,
      // Device and AWS text (progress, failures, reasons) is redacted where it enters the state.
      progress: state.phase === 'provisioning' ? state.progress : null,
      transfer: state.phase === 'delivery' ? (this.transfers.get(state.runId) ?? null) : null,
      claimExpiresAt: claimMatters ? (state.claim?.expiresAt ?? null) : null,
      heldIdentity: state.heldIdentity
        ? {
            // A device may hold a certificate without a Thing (device protocol 4.2).
            thingName: state.heldIdentity.thingName === '' ? null : state.heldIdentity.thingName,
            certificateId: state.heldIdentity.certificateId,
          }
        : null,
      thingName: state.result?.thingName || null,
      certificateId: state.result?.certificateId ?? null,
      fingerprint: state.result?.fingerprint ?? null,
      otherCertificateIds: [...state.otherCertificateIds],
      replaced: state.replaced,
      failure: state.failure,
      recovered: state.recoveredResult,
    };
  }

  private batchView(): BatchView | null {
    const batch = this.batch;
    if (!batch) return null;
    const counts = { done: 0, failed: 0, waiting: 0, active: 0, cancelled: 0 };
    for (const state of this.runs.values()) {
      if (state.phase === 'done') counts.done++;
      else if (state.phase === 'failed') counts.failed++;
      else if (state.phase === 'cancelled') counts.cancelled++;
      else if (slotPhases.includes(state.phase) || state.phase === 'detected' || state.phase === 'handshake')
        counts.active++;
      else counts.waiting++;
    }
    const end = batch.finishedAt ?? this.now();
    const hours = (end - batch.createdAt) / 3_600_000;
    return {
      id: batch.id,
      label: batch.label,
      templateName: batch.templateName,
      parameters: { ...batch.parameters },
      targetCount: batch.targetCount,
      bays: batch.bays,
      status: batch.status,
      operatorUsername: batch.operatorUsername,
      createdAt: batch.createdAt,
      finishedAt: batch.finishedAt,
      counts,
      devicesPerHour: counts.done > 0 && hours > 0 ? Math.round((counts.done / hours) * 10) / 10 : null,
    };
  }

  private bayViews(): BayView[] {
    return this.bays.list().map((bay) => ({
      bayId: bay.bayId,
      portPath: bay.portPath,
      location: bay.location,
      status: bay.status,
      serialNumber: bay.serialNumber,
      runId: bay.runId,
      message: bay.message === null ? null : redactForDisplay(bay.message, 2000),
    }));
  }

  private markDirty(runId?: string): void {
    if (runId) this.dirty.add(runId);
    if (this.cancelFlush || this.stopped) return;
    this.cancelFlush = this.options.clock.setTimer(this.options.changeIntervalMs ?? 100, () => this.flush());
  }

  /** Sends the pending change now (tests; shutdown). */
  flush(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    const runs = [...this.dirty].flatMap((id) => {
      const state = this.runs.get(id);
      return state ? [this.runView(state)] : [];
    });
    this.dirty.clear();
    this.emit('changed', { batch: this.batchView(), runs, bays: this.bayViews() });
  }

  // ---- helpers -------------------------------------------------------------------------------------

  /** Stops everything this engine holds: claims wiped, links closed; the journal keeps the state. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelFlush?.();
    await this.executor.releaseAll();
    this.options.claims().wipeAll();
  }

  private async loadTemplate(name: string): Promise<{ enabled: boolean }> {
    const template = await this.options.registry().describeTemplate(name);
    this.declared = template.parameters;
    return template;
  }

  private parametersFor(state: RunState): Record<string, string> {
    const batch = this.batch;
    if (!batch) return {};
    return deviceParameters(this.declared, batch.parameters, {
      SerialNumber: state.device?.serialNumber ?? '',
      Model: state.device?.model ?? '',
      // The seeded template records these as Thing attributes, whose values allow few characters.
      BatchId: toThingAttributeValue(batch.id),
      StationId: toThingAttributeValue(this.options.stationId),
      Operator: toThingAttributeValue(this.options.operator()?.username ?? batch.operatorUsername),
    });
  }

  private targetReached(): boolean {
    const target = this.batch?.targetCount;
    if (!target) return false;
    // Failed devices do not use up the target: a replacement may take their place.
    const counted = [...this.runs.values()].filter(
      (state) => state.phase !== 'cancelled' && state.phase !== 'failed',
    ).length;
    return counted >= target;
  }

  private maybeCompleteTarget(): void {
    const batch = this.batch;
    if (!batch?.targetCount || batch.status !== 'running') return;
    const done = [...this.runs.values()].filter((state) => state.phase === 'done').length;
    const unfinished = [...this.runs.values()].some(
      (state) => !isFinal(state.phase) && state.phase !== 'failed',
    );
    if (done >= batch.targetCount && !unfinished) {
      this.close(batch, 'finished');
      this.options.log(`batch ${batch.id}: target of ${batch.targetCount} reached`);
    }
  }

  private acceptsDevices(): boolean {
    return this.batch?.status === 'running' || this.batch?.status === 'paused';
  }

  private setStatus(status: BatchStatus, from: BatchStatus[]): void {
    const batch = this.requireOpenBatch();
    if (!from.includes(batch.status))
      throw new StationError(
        `The batch is ${batch.status}; it cannot be ${status === 'paused' ? 'paused' : 'resumed'}.`,
      );
    this.options.journal.setBatchStatus(batch.id, status, this.now());
    batch.status = status;
    this.markDirty();
  }

  private close(batch: BatchRecord, status: 'finished' | 'cancelled'): void {
    const at = this.now();
    this.options.journal.setBatchStatus(batch.id, status, at);
    batch.status = status;
    batch.finishedAt = at;
    this.waiting = [];
    // Failed runs keep their record; their ports and any claim still held are let go.
    for (const state of this.runs.values()) {
      if (!isFinal(state.phase)) void this.executor.release(state.runId);
    }
    for (const bay of this.bays.list()) {
      const state = bay.runId ? this.runs.get(bay.runId) : undefined;
      if (!state || isFinal(state.phase)) this.bays.update(bay.portPath, { status: 'released' });
    }
    this.markDirty();
  }

  private resetRuns(): void {
    this.runs.clear();
    this.runBySerial.clear();
    this.transfers.clear();
    this.deviceLogs.clear();
    this.autoRetries.clear();
    this.slotHolders.clear();
    this.waiting = [];
    for (const bay of this.bays.list()) this.bays.portRemoved(bay.portPath);
  }

  private requireOpenBatch(): BatchRecord {
    if (!this.batch || !this.acceptsDevices()) throw new StationError('No batch is open; start one first.');
    return this.batch;
  }

  private requireRun(runId: string): RunState {
    const state = this.runs.get(runId);
    if (!state) throw new StationError('That device is not in the current batch.');
    return state;
  }

  private now(): number {
    return this.options.clock.now();
  }
}

/** The audit row's error: the failure, or for a cancelled run the device may have finished alone. */
function auditError(state: RunState): { errorCode: string | null; errorMessage: string | null } {
  if (state.failure) {
    const detail = state.failure.detail ? ` (${state.failure.detail})` : '';
    return { errorCode: state.failure.code, errorMessage: `${state.failure.message}${detail}` };
  }
  if (state.phase === 'cancelled' && state.provisionStarted && !state.result) {
    return {
      errorCode: 'CANCELLED_UNVERIFIED',
      errorMessage: `Cancelled after the device was told to provision; it may have registered a Thing. Check the registry for serial number ${state.device?.serialNumber ?? '?'}.`,
    };
  }
  return { errorCode: null, errorMessage: null };
}

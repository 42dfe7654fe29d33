import { hostname } from 'node:os';
import { join } from 'node:path';
import { isBenchPort } from '../../shared/bench-port.js';
import type { InvokeArgs } from '../../shared/ipc-contract.js';
import { installersGroupOf, type StationProfile } from '../../shared/station-profile-schema.js';
import type {
  AppInfo,
  AuditExportView,
  AuditRowView,
  BatchHistoryView,
  BenchHealthView,
  DiagnosticsReceipt,
  EngineView,
  LogFolderOpenView,
  LogFolderView,
  ProfileView,
  SerialDeviceView,
  SessionView,
  SystemReportView,
  TemplateDetailView,
} from '../../shared/view-models.js';
import { auditToCsv, auditToJson } from './audit/audit-export.js';
import { toThingAttributeValue } from './aws/thing-attribute-value.js';
import { operatorParameters, stationFilledParameters } from './batch/batch-parameters.js';
import { createSystemPortLister, type SystemPortLister } from './devices/system-port-lister.js';
import { SerialDiscovery } from './devices/serial-discovery.js';
import type { EmbeddedSandbox, RunningEmbeddedSandbox } from './embedded-sandbox.js';
import type { IpcMainTransport, IpcSender } from './ipc/ipc-transport.js';
import { RecentIpcCalls } from './ipc/recent-ipc-calls.js';
import { registerHandlers, type RegisteredIpc } from './ipc/register-handlers.js';
import { runBenchHealth } from './health/bench-health.js';
import { buildSystemReport } from './health/system-report.js';
import { crashEntryLines, type CrashReport, type OperatorContext } from './logging/crash-entry.js';
import { CrashEntryBudget } from './logging/crash-entry-budget.js';
import { createRedactingLog } from './logging/redacting-log.js';
import { RecentLogLines } from './logging/recent-log-lines.js';
import { RotatingLogFile } from './logging/rotating-log-file.js';
import { redactForDisplay } from './logging/secret-redaction.js';
import { ProfileWorkspace } from './profile-workspace.js';
import { profileFromProfileSource } from './profiles/profile-source.js';
import type { SecretStorage } from './session/secret-storage.js';
import { signedOutView } from './session/session-state.js';
import { StationError } from './station-error.js';
import { loadImportedProfile, profileSummary, profileView, saveImportedProfile } from './station-profile.js';
import { StationSettingsStore, type ProfileChoice } from './station-settings.js';
import { systemClock, type Clock } from './time/clock.js';

export interface StationCoreOptions {
  appName: string;
  appVersion: string;
  runtime: AppInfo['runtime'];
  /**
   * A profile given at start (command line / environment). Otherwise the operator's remembered
   * choice: the imported profile, or the embedded sandbox (also the default when none was imported).
   */
  profile?: StationProfile;
  /** A sandbox the station may start by itself; without it, `profile.use({ kind: 'sandbox' })` is refused. */
  embeddedSandbox?: EmbeddedSandbox;
  /** Folder for the operator's settings, the journal and the saved session. */
  dataDirectory: string;
  /** Electron's safeStorage; null where encryption is unavailable (the harness): nothing is remembered. */
  secretStorage: SecretStorage | null;
  /** Recorded on every Thing and audit row; the host name by default. */
  stationId?: string;
  /** Ports given on the command line or by the environment, added to the saved ones. */
  fixedPortPatterns?: readonly string[];
  listSystemPorts?: SystemPortLister;
  pollIntervalMs?: number;
  useUsbHotplug?: boolean;
  clock?: Clock;
  /** Where every log line also goes after redaction; the console by default. */
  log?: (line: string) => void;
  /** The folder of the rotating log file (station.log …); `<dataDirectory>/logs` by default. */
  logDirectory?: string;
  /**
   * Opens a folder in the desktop's file manager; resolves to '' when it did, else to why not (as
   * Electron's shell.openPath does). Without it (the harness) the station gives the path instead.
   */
  openFolder?: (path: string) => Promise<string>;
}

/** How the renderer's problem kinds read in a crash entry. */
const pageProblemWords: Record<Exclude<InvokeArgs<'diagnostics.report'>[0]['kind'], 'screen'>, string> = {
  'window-error': 'uncaught error in the page',
  'unhandled-rejection': 'unhandled promise rejection in the page',
  'render-error': 'a screen failed to draw (its error boundary caught it)',
};

/** Renderer problem reports written per minute at most: a page throwing on every frame fills no disk. */
const rendererReportsPerMinute = 10;
/** Main-process crash entries written in full per minute at most: a callback that throws on every tick fills none either. */
const mainCrashesPerMinute = 5;

const signedOut = signedOutView(
  'No AWS profile is configured: import amplify_outputs.json or a station profile first.',
);

/**
 * The station's core, free of Electron: it owns the services and answers the IPC contract. The
 * Electron shell and the test harness each give it a transport and a sender check.
 */
export class StationCore {
  readonly discovery: SerialDiscovery;
  private readonly settings: StationSettingsStore;
  private ipc: RegisteredIpc | undefined;
  private readonly log: (line: string) => void;
  private readonly stationId: string;
  private workspace: ProfileWorkspace | undefined;
  private profileSource: ProfileView['source'] = 'none';
  /** The embedded sandbox, from the moment it is asked to start until it is stopped. */
  private embedded: Promise<RunningEmbeddedSandbox> | undefined;
  /** Profile switches run one at a time: each closes a workspace and may start or stop the sandbox. */
  private profileSwitch: Promise<unknown> = Promise.resolve();
  private readonly detachWorkspace: (() => void)[] = [];
  /** The last lines logged, already redacted, for the system report. */
  private readonly recentLog = new RecentLogLines(500);
  private healthRun: Promise<BenchHealthView> | undefined;
  /** Each check's last status: a finding is logged when it changes, not on every check. */
  private readonly healthStatus = new Map<string, string>();
  /** The log on disk, for support: every line of the redacting sink, stamped, rotated by size. */
  private readonly logFile: RotatingLogFile;
  /**
   * What a crash entry says the operator was doing: the last channels called (the renderer's own
   * diagnostics reports left out) and the screen shown.
   */
  private readonly recentIpc = new RecentIpcCalls(20, ['diagnostics.report']);
  private screen: string | null = null;
  private crashCount = 0;
  private readonly rendererReports: CrashEntryBudget;
  private readonly mainCrashes: CrashEntryBudget;

  constructor(private readonly options: StationCoreOptions) {
    // Every line the core writes goes through one redacting sink: kept for the system report,
    // appended to the log file, and passed on (the console in the app).
    const sink = options.log ?? ((line: string) => console.warn(line));
    const keep = (line: string) => {
      this.recentLog.add(line, this.now());
      sink(line);
    };
    this.logFile = new RotatingLogFile({
      directory: options.logDirectory ?? join(options.dataDirectory, 'logs'),
      // The one line saying the file cannot be written goes where lines go besides the file.
      fallback: createRedactingLog(keep),
      now: () => this.now(),
    });
    this.log = createRedactingLog((line) => {
      const at = this.now();
      this.logFile.write(line, at);
      keep(line);
    });
    const clock = options.clock ?? systemClock;
    this.rendererReports = new CrashEntryBudget({
      perMinute: rendererReportsPerMinute,
      clock,
      sayLeftOut: (count) =>
        this.log(
          `crash: ${count} renderer problem report(s) were not written (more than ${rendererReportsPerMinute} a minute)`,
        ),
    });
    this.mainCrashes = new CrashEntryBudget({
      perMinute: mainCrashesPerMinute,
      clock,
      sayLeftOut: (count) =>
        this.log(
          `crash: ${count} more main-process crash(es) suppressed (at most ${mainCrashesPerMinute} a minute are written in full)`,
        ),
    });
    this.stationId = options.stationId ?? stationIdFromHost(hostname());
    this.settings = new StationSettingsStore(options.dataDirectory, this.log);
    this.discovery = new SerialDiscovery({
      listSystemPorts: options.listSystemPorts ?? createSystemPortLister(this.log),
      fixedPatterns: options.fixedPortPatterns,
      pollIntervalMs: options.pollIntervalMs,
      useUsbHotplug: options.useUsbHotplug,
      log: this.log,
    });
  }

  async start(): Promise<void> {
    const saved = await this.settings.load();
    await this.openStartupProfile(saved.profileChoice);
    this.discovery.on('changed', (change) => {
      this.workspace?.stack.engine.portsChanged(benchPorts(change.added), change.removed);
    });
    await this.discovery.setConfiguredPatterns(saved.serialPortPatterns);
    await this.discovery.start();
  }

  /** Answer the IPC contract over this transport, for senders that pass the check. */
  connect(transport: IpcMainTransport, isTrustedSender: (sender: IpcSender) => boolean): void {
    const ipc = registerHandlers({
      transport,
      isTrustedSender,
      log: this.log,
      onCall: (channel) => this.recentIpc.add(channel, this.now()),
      handlers: {
        'app.info': () => this.appInfo(),
        'devices.list': () => this.discovery.snapshot(),
        'devices.configurePorts': async (patterns) => {
          await this.settings.update({ serialPortPatterns: patterns });
          return this.discovery.setConfiguredPatterns(patterns);
        },
        'profile.get': () => this.currentProfileView(),
        'profile.use': (source) => this.useProfile(source),
        'session.get': () => this.workspace?.session.view() ?? signedOut,
        'session.signIn': ({ username, password }) =>
          this.requireWorkspace().session.signIn(username, password),
        'session.answer': (answer) => this.requireWorkspace().session.answerChallenge(answer),
        'session.signOut': () => this.workspace?.session.signOut() ?? signedOut,
        'templates.list': () => this.requireSignedIn().stack.registry.listTemplates(),
        'templates.describe': (name) => this.describeTemplate(name),
        'batch.get': () => this.engineView(),
        'batch.start': (input) => this.requireInstaller().stack.engine.startBatch(input),
        'batch.pause': () => this.requireInstaller().stack.engine.pause(),
        'batch.resume': () => this.requireInstaller().stack.engine.resume(),
        'batch.cancel': () => this.requireInstaller().stack.engine.cancel(),
        'batch.finish': () => this.requireInstaller().stack.engine.finish(),
        'bays.probe': (path) => this.requireInstaller().stack.engine.probePort(path),
        'runs.retry': (runId) => this.requireInstaller().stack.engine.retry(runId),
        'runs.cancel': (runId) => this.requireInstaller().stack.engine.cancelRun(runId),
        'runs.confirmReprovision': (runId) => this.requireInstaller().stack.engine.confirmReprovision(runId),
        'runs.detail': (runId) => this.requireWorkspace().stack.engine.detail(runId),
        'history.batches': () => this.history(),
        'history.audit': (filter) => this.auditRows(filter),
        'history.export': (request) => this.exportAudit(request),
        'health.check': () => this.benchHealth(),
        'health.report': () => this.systemReport(),
        'logs.folder': () => this.logFolder(),
        'logs.openFolder': () => this.openLogFolder(),
        'diagnostics.report': (report) => this.diagnosticsReport(report),
      },
    });
    this.discovery.on('changed', (change) => ipc.emit('devices.changed', change));
    this.ipc = ipc;
    this.wireWorkspaceEvents();
  }

  async stop(): Promise<void> {
    this.discovery.stop();
    this.discovery.removeAllListeners();
    this.ipc?.dispose();
    await this.closeWorkspace();
    await this.stopEmbedded({ forgetPorts: false });
    // Entries left out are said before the station goes; the file is opened again by a later line.
    this.rendererReports.sayWhatWasLeftOut();
    this.mainCrashes.sayWhatWasLeftOut();
    this.logFile.close();
  }

  /** Writes a line of the shell's through the core's redacting sink (and so into the log file). */
  logLine(line: string): void {
    this.log(line);
  }

  // ---- logs and crashes ---------------------------------------------------------------------------

  /**
   * Writes a crash entry (src/main/core/logging/crash-entry.ts): what was thrown, redacted and
   * bounded, and what the operator was doing. Called from the shell's crash handlers, so it never
   * throws; the lines are on disk when it returns. Main-process crashes are written in full a few
   * times a minute; the rest are counted in one line (renderer reports have their own budget).
   */
  recordCrash(report: CrashReport): void {
    try {
      if (report.where === 'main process' && !this.mainCrashes.admit()) return;
      this.crashCount += 1;
      for (const line of crashEntryLines(report, this.operatorContext(), this.crashCount)) this.log(line);
    } catch (error) {
      try {
        console.error(
          `CRASH: a ${report.kind} in the ${report.where} could not be recorded (${redactForDisplay(String(error), 300)})`,
        );
      } catch {
        // Nothing left to tell.
      }
    }
  }

  /** Each part is read on its own: a crash may have left one of them unreadable. */
  private operatorContext(): OperatorContext {
    const read = <T>(part: () => T, fallback: T): T => {
      try {
        return part();
      } catch {
        return fallback;
      }
    };
    const engine = read(() => this.engineView(), { batch: null, runs: [], bays: [] });
    return {
      profileName: read(() => this.workspace?.profile.name ?? null, null),
      session: read(() => this.workspace?.session.view() ?? signedOut, signedOut),
      screen: this.screen,
      batch: engine.batch,
      runs: engine.runs,
      recentIpc: this.recentIpc.recent(),
    };
  }

  private logFolder(): LogFolderView {
    return { path: this.logFile.directory };
  }

  private async openLogFolder(): Promise<LogFolderOpenView> {
    const path = this.logFile.directory;
    const shownPath = redactForDisplay(path, 1500);
    const open = this.options.openFolder;
    if (!open) {
      return {
        path,
        opened: false,
        message: `This station cannot open folders here (it runs without a desktop shell, as the test harness does). Open ${shownPath} in a file manager.`,
      };
    }
    // Before anything was logged the folder may not exist yet; a missing folder would not open.
    this.logFile.ensureDirectory();
    let problem: string;
    try {
      // The path is the station's own, never one the renderer sent.
      problem = await open(path);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    if (problem === '') return { path, opened: true, message: null };
    this.log(`logs: the log folder could not be opened: ${problem}`);
    return {
      path,
      opened: false,
      message: `The log folder could not be opened (${redactForDisplay(problem, 300)}). Open ${shownPath} in a file manager.`,
    };
  }

  /** The screen the renderer shows, or a problem it met (written as a crash entry, a few a minute). */
  private diagnosticsReport(report: InvokeArgs<'diagnostics.report'>[0]): DiagnosticsReceipt {
    this.screen = report.screen;
    if (report.kind === 'screen') return { recorded: true };
    if (!this.rendererReports.admit()) return { recorded: false };
    this.recordCrash({
      where: 'renderer',
      kind: pageProblemWords[report.kind],
      error: { name: report.name, message: report.message, stack: report.stack },
    });
    return { recorded: true };
  }

  // ---- bench health -------------------------------------------------------------------------------

  /** One round of checks at a time: a second request while one runs shares its answer. */
  private benchHealth(): Promise<BenchHealthView> {
    this.healthRun ??= runBenchHealth({
      platform: process.platform,
      portPaths: benchPorts(this.discovery.snapshot().devices).map((port) => port.path),
      profile: this.workspace?.profile,
      profileSource: this.profileSource,
      secretStorage: this.options.secretStorage,
      now: () => this.now(),
    })
      .then((view) => {
        for (const check of view.checks) {
          const before = this.healthStatus.get(check.id);
          this.healthStatus.set(check.id, check.status);
          if (check.status !== before && (check.status !== 'ok' || before !== undefined)) {
            this.log(`health: ${check.id} ${check.status}: ${check.summary}`);
          }
        }
        return view;
      })
      .finally(() => {
        this.healthRun = undefined;
      });
    return this.healthRun;
  }

  private async systemReport(): Promise<SystemReportView> {
    const health = await this.benchHealth();
    const devices = this.discovery.snapshot();
    return buildSystemReport({
      appName: this.options.appName,
      appVersion: this.options.appVersion,
      runtime: this.options.runtime,
      stationId: this.stationId,
      generatedAt: this.now(),
      dataDirectory: this.options.dataDirectory,
      logDirectory: this.logFile.directory,
      profile: this.workspace?.profile,
      profileSource: this.workspace ? this.profileSource : 'none',
      session: this.workspace?.session.view() ?? signedOut,
      devices,
      benchPortPaths: benchPorts(devices.devices).map((port) => port.path),
      health,
      engine: this.engineView(),
      logLines: this.recentLog.recent(200),
    });
  }

  private now(): number {
    return (this.options.clock ?? systemClock).now();
  }

  // ---- profile and session ------------------------------------------------------------------------

  /**
   * At start: the profile given on the command line; else the operator's remembered choice — the
   * imported profile, or the embedded sandbox when that was chosen or nothing was imported. A
   * sandbox that fails to start is logged and the station runs without a profile.
   */
  private async openStartupProfile(choice: ProfileChoice | undefined): Promise<void> {
    if (this.options.profile) {
      this.profileSource = 'command-line';
      await this.openWorkspace(this.options.profile);
      return;
    }
    const sandbox = this.options.embeddedSandbox;
    const imported =
      choice === 'sandbox' && sandbox
        ? undefined
        : await loadImportedProfile(this.options.dataDirectory, this.log);
    if (imported) {
      this.profileSource = 'imported';
      await this.openWorkspace(imported);
      return;
    }
    if (!sandbox) return;
    try {
      const running = await this.startEmbedded();
      await this.discovery.setExtraFixedPatterns(running.portPatterns);
      this.profileSource = 'embedded';
      await this.openWorkspace(running.profile);
      this.log(`profile: using the embedded sandbox "${running.profile.name}" (no AWS account)`);
    } catch (error) {
      this.log(`profile: ${(error as Error).message} The station starts without a profile.`);
      await this.closeWorkspace();
      await this.stopEmbedded({ forgetPorts: true });
      this.profileSource = 'none';
    }
  }

  private useProfile(source: InvokeArgs<'profile.use'>[0]): Promise<ProfileView> {
    const next = this.profileSwitch.then(() =>
      source.kind === 'sandbox' ? this.switchToSandbox() : this.switchToImported(source),
    );
    this.profileSwitch = next.catch(() => undefined);
    return next;
  }

  private async switchToImported(source: InvokeArgs<'profile.use'>[0]): Promise<ProfileView> {
    const profile = profileFromProfileSource(source);
    this.refuseWhileBatchOpen();
    await saveImportedProfile(this.options.dataDirectory, profile);
    await this.closeWorkspace();
    await this.stopEmbedded({ forgetPorts: true });
    this.profileSource = 'imported';
    await this.openWorkspace(profile);
    await this.settings.update({ profileChoice: 'imported' });
    this.log(`profile: now using "${profile.name}" (${profile.kind}, ${profile.region})`);
    return this.currentProfileView();
  }

  private async switchToSandbox(): Promise<ProfileView> {
    if (!this.options.embeddedSandbox) {
      throw new StationError(
        'This station cannot start an embedded sandbox. Import amplify_outputs.json or a station profile instead.',
      );
    }
    if (this.profileSource !== 'embedded' || !this.workspace) {
      this.refuseWhileBatchOpen();
      // Started before the current profile is closed: if it fails, the operator keeps what they had.
      const running = await this.startEmbedded();
      await this.closeWorkspace();
      await this.discovery.setExtraFixedPatterns(running.portPatterns);
      this.profileSource = 'embedded';
      await this.openWorkspace(running.profile);
      this.log(`profile: now using the embedded sandbox "${running.profile.name}" (no AWS account)`);
    }
    await this.settings.update({ profileChoice: 'sandbox' });
    return this.currentProfileView();
  }

  private refuseWhileBatchOpen(): void {
    const engine = this.workspace?.stack.engine.view();
    if (engine?.batch && (engine.batch.status === 'running' || engine.batch.status === 'paused')) {
      throw new StationError(
        `Batch "${engine.batch.label}" is open; finish or cancel it before switching profiles.`,
      );
    }
  }

  private currentProfileView(): ProfileView {
    return profileView(
      this.workspace?.profile,
      this.profileSource,
      this.options.embeddedSandbox !== undefined,
    );
  }

  /** Starts the embedded sandbox once; a failed start is forgotten so the next request tries again. */
  private startEmbedded(): Promise<RunningEmbeddedSandbox> {
    const sandbox = this.options.embeddedSandbox;
    if (!sandbox) return Promise.reject(new StationError('This station cannot start an embedded sandbox.'));
    if (this.embedded) return this.embedded;
    const starting = sandbox.start().catch((error: unknown) => {
      if (this.embedded === starting) this.embedded = undefined;
      const why = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
      throw new StationError(`The embedded sandbox could not start: ${why}.`);
    });
    this.embedded = starting;
    return starting;
  }

  /** Stops the embedded sandbox if it runs; its device folder stops being watched first. */
  private async stopEmbedded({ forgetPorts }: { forgetPorts: boolean }): Promise<void> {
    const starting = this.embedded;
    this.embedded = undefined;
    if (!starting) return;
    const running = await starting.catch(() => undefined);
    if (!running) return;
    if (forgetPorts) await this.discovery.setExtraFixedPatterns([]);
    try {
      await running.stop();
      this.log('profile: the embedded sandbox stopped');
    } catch (error) {
      this.log(`profile: stopping the embedded sandbox failed: ${(error as Error).message}`);
    }
  }

  private async openWorkspace(profile: StationProfile): Promise<void> {
    const workspace = new ProfileWorkspace({
      profile,
      dataDirectory: this.options.dataDirectory,
      secretStorage: this.options.secretStorage,
      stationId: this.stationId,
      log: this.log,
      ...(this.options.clock ? { clock: this.options.clock } : {}),
    });
    this.workspace = workspace;
    workspace.stack.engine.load();
    this.wireWorkspaceEvents();
    await workspace.session.restore();
    // Ports already present are handed to the (new) engine.
    workspace.stack.engine.portsChanged(benchPorts(this.discovery.snapshot().devices), []);
    this.recoverWhenSignedIn(workspace);
  }

  private wireWorkspaceEvents(): void {
    for (const detach of this.detachWorkspace.splice(0)) detach();
    const workspace = this.workspace;
    const ipc = this.ipc;
    if (!workspace) return;
    const onSession = (view: SessionView) => {
      ipc?.emit('session.changed', view);
      if (view.status !== 'signed-in' || !view.mayProvision) this.holdForSession(workspace);
      this.recoverWhenSignedIn(workspace);
    };
    const onEngine = (change: Parameters<RegisteredIpc['emit']>[1]) =>
      ipc?.emit('batch.changed', change as never);
    workspace.session.on('changed', onSession);
    workspace.stack.engine.on('changed', onEngine);
    this.detachWorkspace.push(
      () => workspace.session.off('changed', onSession),
      () => workspace.stack.engine.off('changed', onEngine),
    );
  }

  /** A batch reopened after a restart is re-checked once someone is signed in (registry reads need it). */
  private recoverWhenSignedIn(workspace: ProfileWorkspace): void {
    const { engine } = workspace.stack;
    if (!engine.needsRecovery || workspace.session.view().status !== 'signed-in') return;
    engine.recover().catch((error: unknown) => {
      this.log(`batch: recovery after restart failed: ${(error as Error).message}`);
    });
  }

  /**
   * Nobody who may provision is signed in: a running batch is paused (devices mid-way finish what
   * they started), and no claim stays in memory. The operator resumes after signing in again.
   */
  private holdForSession(workspace: ProfileWorkspace): void {
    const { engine, claims } = workspace.stack;
    claims.wipeAll();
    if (engine.view().batch?.status === 'running') {
      engine.pause();
      this.log('batch: paused because no installer is signed in');
    }
  }

  private async closeWorkspace(): Promise<void> {
    for (const detach of this.detachWorkspace.splice(0)) detach();
    const workspace = this.workspace;
    this.workspace = undefined;
    await workspace?.close();
  }

  private requireWorkspace(): ProfileWorkspace {
    if (!this.workspace) {
      throw new StationError(
        'No AWS profile is configured. Import amplify_outputs.json or a station profile, or start the sandbox.',
      );
    }
    return this.workspace;
  }

  private requireSignedIn(): ProfileWorkspace {
    const workspace = this.requireWorkspace();
    if (workspace.session.view().status !== 'signed-in') throw new StationError('Sign in first.');
    return workspace;
  }

  private requireInstaller(): ProfileWorkspace {
    const workspace = this.requireSignedIn();
    const session = workspace.session.view();
    if (!session.mayProvision) {
      const group = installersGroupOf(workspace.profile.cognito);
      throw new StationError(
        `${session.username ?? 'This account'} may not provision devices: it is not in the ${group} group. Ask your AWS admin to add it, then sign in again.`,
      );
    }
    return workspace;
  }

  // ---- templates, batch and history ----------------------------------------------------------------

  private async describeTemplate(name: string): Promise<TemplateDetailView> {
    const template = await this.requireSignedIn().stack.registry.describeTemplate(name);
    const operatorNames = new Set(operatorParameters(template.parameters));
    return {
      name: template.name,
      enabled: template.enabled,
      description: template.description,
      parameters: template.parameters.filter((parameter) => operatorNames.has(parameter.name)),
      stationFilled: stationFilledParameters.filter((filled) =>
        template.parameters.some((parameter) => parameter.name === filled),
      ),
    };
  }

  private engineView(): EngineView {
    return this.workspace?.stack.engine.view() ?? { batch: null, runs: [], bays: [] };
  }

  private history(): BatchHistoryView[] {
    return this.requireWorkspace()
      .stack.journal.listBatches({ limit: 500 })
      .map((batch) => ({
        id: batch.id,
        label: batch.label,
        templateName: batch.templateName,
        status: batch.status,
        operatorUsername: batch.operatorUsername,
        stationId: batch.stationId,
        createdAt: batch.createdAt,
        finishedAt: batch.finishedAt,
        targetCount: batch.targetCount,
        bays: batch.bays,
      }));
  }

  private auditRows(filter: InvokeArgs<'history.audit'>[0]): AuditRowView[] {
    return this.requireWorkspace()
      .stack.journal.audit({ ...filter, limit: filter.limit ?? 10_000 })
      .map((row) => ({
        runId: row.runId,
        batchId: row.batchId,
        batchLabel: row.batchLabel,
        at: row.at,
        operatorUsername: row.operatorUsername,
        stationId: row.stationId,
        bayId: row.bayId,
        serialNumber: row.serialNumber,
        model: row.model,
        firmwareVersion: row.firmwareVersion,
        templateName: row.templateName,
        mode: row.mode,
        thingName: row.thingName,
        certificateId: row.certificateId,
        outcome: row.outcome,
        errorCode: row.errorCode,
      }));
  }

  private exportAudit(request: InvokeArgs<'history.export'>[0]): AuditExportView {
    const { format, ...filter } = request;
    const rows = this.requireWorkspace().stack.journal.audit({ ...filter, limit: filter.limit ?? 100_000 });
    const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
    return format === 'csv'
      ? {
          fileName: `provisioning-audit-${stamp}.csv`,
          mediaType: 'text/csv',
          content: auditToCsv(rows),
          count: rows.length,
        }
      : {
          fileName: `provisioning-audit-${stamp}.json`,
          mediaType: 'application/json',
          content: auditToJson(rows),
          count: rows.length,
        };
  }

  private appInfo(): AppInfo {
    return {
      name: this.options.appName,
      version: this.options.appVersion,
      platform: process.platform,
      arch: process.arch,
      runtime: this.options.runtime,
      profile: profileSummary(this.workspace?.profile),
    };
  }
}

/**
 * The ports the engine may talk to: USB serial adapters the OS lists, and the paths the operator
 * configured. Built-in UARTs (/dev/ttyS0, a modem, a printer) are never sent a HELLO uninvited.
 */
export function benchPorts(ports: readonly SerialDeviceView[]): { path: string; location: string | null }[] {
  return ports.filter(isBenchPort).map((port) => ({ path: port.path, location: port.location }));
}

/** The station id is recorded as a Thing attribute: keep the host name to what those allow. */
export function stationIdFromHost(host: string): string {
  const cleaned = toThingAttributeValue(host).slice(0, 64);
  return cleaned.length > 0 ? cleaned : 'station';
}

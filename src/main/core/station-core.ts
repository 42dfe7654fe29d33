import type { AppInfo, StationProfileView } from '../../shared/view-models.js';
import { createSystemPortLister, type SystemPortLister } from './devices/system-port-lister.js';
import { SerialDiscovery } from './devices/serial-discovery.js';
import type { IpcMainTransport, IpcSender } from './ipc/ipc-transport.js';
import { registerHandlers, type RegisteredIpc } from './ipc/register-handlers.js';
import { StationSettingsStore } from './station-settings.js';

export interface StationCoreOptions {
  appName: string;
  appVersion: string;
  runtime: AppInfo['runtime'];
  profile: StationProfileView;
  /** Folder for the operator's settings. */
  dataDirectory: string;
  /** Ports given on the command line or by the environment, added to the saved ones. */
  fixedPortPatterns?: readonly string[];
  listSystemPorts?: SystemPortLister;
  pollIntervalMs?: number;
  useUsbHotplug?: boolean;
  log?: (line: string) => void;
}

/**
 * The station's core, free of Electron: it owns the services and answers the IPC contract. The
 * Electron shell and the test harness each give it a transport and a sender check.
 */
export class StationCore {
  readonly discovery: SerialDiscovery;
  private readonly settings: StationSettingsStore;
  private ipc: RegisteredIpc | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly options: StationCoreOptions) {
    this.log = options.log ?? ((line) => console.warn(line));
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
    await this.discovery.setConfiguredPatterns(saved.serialPortPatterns);
    await this.discovery.start();
  }

  /** Answer the IPC contract over this transport, for senders that pass the check. */
  connect(transport: IpcMainTransport, isTrustedSender: (sender: IpcSender) => boolean): void {
    const ipc = registerHandlers({
      transport,
      isTrustedSender,
      log: this.log,
      handlers: {
        'app.info': () => this.appInfo(),
        'devices.list': () => this.discovery.snapshot(),
        'devices.configurePorts': async (patterns) => {
          await this.settings.save({ version: 1, serialPortPatterns: patterns });
          return this.discovery.setConfiguredPatterns(patterns);
        },
      },
    });
    this.discovery.on('changed', (change) => ipc.emit('devices.changed', change));
    this.ipc = ipc;
  }

  stop(): void {
    this.discovery.stop();
    this.discovery.removeAllListeners();
    this.ipc?.dispose();
  }

  private appInfo(): AppInfo {
    return {
      name: this.options.appName,
      version: this.options.appVersion,
      platform: process.platform,
      arch: process.arch,
      runtime: this.options.runtime,
      profile: this.options.profile,
    };
  }
}

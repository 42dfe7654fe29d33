import { EventEmitter } from 'node:events';
import type { SerialDeviceChange, SerialDeviceList, SerialDeviceView } from '../../../shared/view-models.js';
import { scanConfiguredPorts, type PortScanLimits } from './configured-port-resolver.js';
import type { SystemPortLister } from './system-port-lister.js';
import { startUsbHotplug, type UsbHotplug } from './usb-hotplug.js';

export interface SerialDiscoveryOptions {
  listSystemPorts: SystemPortLister;
  configuredPatterns?: readonly string[];
  /** Patterns from the command line or environment, always watched and never saved. */
  fixedPatterns?: readonly string[];
  /** How often to rescan; pseudo-terminals and configured paths raise no USB events. */
  pollIntervalMs?: number;
  /** Delay between a USB event and the rescan: the tty node appears a little after the USB device. */
  hotplugSettleMs?: number;
  useUsbHotplug?: boolean;
  /** Bounds for one scan of the configured patterns (entries read, ports found, time). */
  scanLimits?: Partial<PortScanLimits>;
  log?: (line: string) => void;
}

interface DiscoveryEvents {
  changed: [SerialDeviceChange];
}

/**
 * Keeps the current list of serial ports (the OS's plus the operator's configured paths) and emits
 * a change with what was added and removed. One scan runs at a time; a scan that fails keeps the
 * last good list and is retried on the next tick.
 */
export class SerialDiscovery extends EventEmitter<DiscoveryEvents> {
  private devices = new Map<string, SerialDeviceView>();
  private patterns: string[];
  private readonly fixedPatterns: string[];
  /** Fixed patterns that come and go while running (the embedded sandbox's device folder). */
  private extraFixedPatterns: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private hotplug: UsbHotplug | undefined;
  private scanning: Promise<void> | undefined;
  private rescanRequested = false;
  private readonly log: (line: string) => void;
  /** Scan warnings already logged: a refused or oversized pattern is reported once, not every poll. */
  private readonly reported = new Set<string>();

  constructor(private readonly options: SerialDiscoveryOptions) {
    super();
    this.patterns = [...(options.configuredPatterns ?? [])];
    this.fixedPatterns = [...(options.fixedPatterns ?? [])];
    this.log = options.log ?? ((line) => console.warn(line));
  }

  async start(): Promise<void> {
    if (this.options.useUsbHotplug !== false) {
      this.hotplug = await startUsbHotplug(
        () => setTimeout(() => void this.rescan(), this.options.hotplugSettleMs ?? 300),
        this.log,
      );
    }
    await this.rescan();
    this.timer = setInterval(() => void this.rescan(), this.options.pollIntervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.hotplug?.stop();
    this.hotplug = undefined;
  }

  snapshot(): SerialDeviceList {
    return {
      devices: [...this.devices.values()].sort((a, b) => a.path.localeCompare(b.path)),
      configuredPatterns: [...this.patterns],
      fixedPatterns: this.allFixedPatterns(),
      watchMode: this.hotplug?.mode ?? 'polling',
    };
  }

  async setConfiguredPatterns(patterns: readonly string[]): Promise<SerialDeviceList> {
    this.patterns = [...new Set(patterns)];
    this.reported.clear();
    await this.rescan();
    return this.snapshot();
  }

  /**
   * Replaces the fixed patterns added at run time (those given at construction stay): watched like
   * them and never saved. Rescans at once, so ports under a removed pattern are reported gone.
   */
  async setExtraFixedPatterns(patterns: readonly string[]): Promise<SerialDeviceList> {
    this.extraFixedPatterns = [...new Set(patterns)];
    this.reported.clear();
    await this.rescan();
    return this.snapshot();
  }

  private allFixedPatterns(): string[] {
    return [...new Set([...this.fixedPatterns, ...this.extraFixedPatterns])];
  }

  /** Scan now; concurrent requests coalesce into one follow-up scan. */
  async rescan(): Promise<void> {
    if (this.scanning) {
      this.rescanRequested = true;
      return this.scanning;
    }
    this.scanning = this.scanOnce().finally(() => {
      this.scanning = undefined;
    });
    await this.scanning;
    if (this.rescanRequested) {
      this.rescanRequested = false;
      await this.rescan();
    }
  }

  private async scanOnce(): Promise<void> {
    let system: SerialDeviceView[];
    try {
      system = await this.options.listSystemPorts();
    } catch (error) {
      this.log(`devices: listing serial ports failed (${(error as Error).message}); keeping the last list.`);
      system = [...this.devices.values()].filter((device) => device.source === 'system');
    }
    const scan = await scanConfiguredPorts([...this.allFixedPatterns(), ...this.patterns], {
      limits: this.options.scanLimits,
    });
    for (const warning of scan.warnings) {
      if (this.reported.has(warning)) continue;
      this.reported.add(warning);
      this.log(warning);
    }
    const configured = scan.ports;
    const next = new Map<string, SerialDeviceView>();
    for (const device of configured) next.set(device.path, device);
    // The OS's entry wins over a configured one for the same path: it carries the USB details.
    for (const device of system) next.set(device.path, device);

    const added = [...next.values()].filter((device) => !sameDevice(this.devices.get(device.path), device));
    const removed = [...this.devices.keys()].filter((path) => !next.has(path));
    this.devices = next;
    if (added.length > 0 || removed.length > 0) {
      this.emit('changed', { added, removed, list: this.snapshot() });
    }
  }
}

function sameDevice(a: SerialDeviceView | undefined, b: SerialDeviceView): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

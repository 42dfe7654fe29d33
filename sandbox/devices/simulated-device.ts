import { SerialPort } from 'serialport';
import type { ProvisioningMode } from '../../src/main/core/device-link/protocol-constants.js';
import type { FaultName } from './device-faults.js';
import { DeviceFirmware } from './device-firmware.js';
import type { FirmwareCounters } from './device-firmware.js';
import { DeviceIdentityStore } from './device-identity-store.js';
import { PacedLine } from './paced-line.js';
import type { Provisioner } from './provisioner.js';
import { PtyPair } from './pty-pair.js';
import { SeededRandom } from './seeded-random.js';

export interface SimulatedDeviceOptions {
  serialNumber: string;
  model?: string;
  hardwareRevision?: string;
  firmwareVersion?: string;
  /** Path the station opens (a symlink to a pty). */
  stationPath: string;
  /** Path the device end uses (the other pty). */
  devicePath: string;
  /** Folder of this device's flash (its permanent identity). */
  storeDir: string;
  baudRate: number;
  rxBuffer?: number;
  modes?: ProvisioningMode[];
  faults?: ReadonlySet<FaultName>;
  seed: number;
  /** Builds the device's cloud side around its own flash store. */
  provisioner: (store: DeviceIdentityStore) => Provisioner;
  /** How long the cable stays out for unplug-mid-transfer. */
  unplugMs?: number;
}

export interface SimulatedDeviceInfo {
  serialNumber: string;
  path: string;
  model: string;
  hardwareRevision: string;
  firmwareVersion: string;
  rxBuffer: number;
  baudRate: number;
  modes: ProvisioningMode[];
  faults: FaultName[];
}

/**
 * One simulated device on its own pseudo-terminal: a UART paced at the chosen baud rate in both
 * directions, the reference firmware behind it, and a cable that can be pulled and plugged back.
 */
export class SimulatedDevice {
  readonly info: SimulatedDeviceInfo;
  readonly store: DeviceIdentityStore;
  private pty: PtyPair | undefined;
  private port: SerialPort | undefined;
  private readonly firmware: DeviceFirmware;
  private readonly toStation: PacedLine;
  private readonly toDevice: PacedLine;
  private stopped = false;
  private replugTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SimulatedDeviceOptions) {
    const faults = options.faults ?? new Set<FaultName>();
    const rxBuffer = faults.has('small-buffer') ? 256 : (options.rxBuffer ?? 1024);
    this.info = {
      serialNumber: options.serialNumber,
      path: options.stationPath,
      model: options.model ?? 'SIM-SENSOR-1',
      hardwareRevision: options.hardwareRevision ?? 'B2',
      firmwareVersion: options.firmwareVersion ?? '1.4.0',
      rxBuffer,
      baudRate: options.baudRate,
      modes: options.modes ?? ['csr', 'keys'],
      faults: [...faults],
    };
    this.store = new DeviceIdentityStore(options.storeDir);
    this.toStation = new PacedLine(options.baudRate, (bytes) => this.port?.write(bytes));
    this.toDevice = new PacedLine(options.baudRate, (bytes) => this.firmware.receive(bytes));
    this.firmware = new DeviceFirmware({
      serialNumber: this.info.serialNumber,
      model: this.info.model,
      hardwareRevision: this.info.hardwareRevision,
      firmwareVersion: this.info.firmwareVersion,
      rxBuffer,
      maxClaim: 16 * 1024,
      modes: this.info.modes,
      processingMs: faults.has('slow') ? 60 : 0,
      faults,
      random: new SeededRandom(options.seed),
      identityStore: this.store,
      provisioner: options.provisioner(this.store),
      send: (bytes) => this.toStation.push(bytes),
      requestUnplug: () => void this.unplug(options.unplugMs ?? 400),
    });
  }

  get counters(): Readonly<FirmwareCounters> {
    return this.firmware.counters;
  }

  /** Creates the pty pair, opens the device end and powers the device on. */
  async start(): Promise<void> {
    await this.plug();
    this.firmware.boot();
  }

  /** Power-cycles the device: RAM (and any claim) is lost, it boots and announces itself. */
  reboot(): void {
    this.toDevice.clear();
    this.firmware.boot();
  }

  /** Pulls the cable: both ptys vanish; the device keeps running (and keeps its RAM). */
  async unplug(replugAfterMs?: number): Promise<void> {
    this.toDevice.clear();
    this.toStation.clear();
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    await this.pty?.destroy();
    this.pty = undefined;
    if (replugAfterMs !== undefined && !this.stopped) {
      this.replugTimer = setTimeout(() => void this.plug().catch(() => undefined), replugAfterMs);
    }
  }

  async plug(): Promise<void> {
    if (this.stopped || this.pty) return;
    this.pty = await PtyPair.create(this.options.stationPath, this.options.devicePath);
    const port = new SerialPort({
      path: this.options.devicePath,
      baudRate: this.options.baudRate,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    port.on('data', (bytes: Buffer) => this.toDevice.push(bytes));
    port.on('error', () => undefined);
    this.port = port;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.replugTimer) clearTimeout(this.replugTimer);
    this.firmware.powerOff();
    await this.unplug();
  }
}

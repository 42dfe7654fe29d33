import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StationProfile } from '../src/shared/station-profile-schema.js';
import type { PlugSpec, WorldMessage, WorldRequest, WorldSettings } from './bench-world-messages.js';

type RequestBody = WorldRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The station side's handle on the world process (bench-world.ts): requests and the device timings it reports. */
export class BenchWorld {
  /** Device-side provisioning times (ms) by serial number, as the simulator measured them. */
  readonly provisionMs = new Map<string, number>();
  /** Off for the long batch: the station process's heap must hold only the station. */
  recordDeviceTimes = true;
  private nextId = 1;
  private readonly pending = new Map<number, (message: Extract<WorldMessage, { type: 'reply' }>) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly profile: StationProfile,
    readonly installer: { username: string; password: string },
  ) {
    child.on('message', (message: WorldMessage) => this.receive(message));
  }

  static async start(settings: WorldSettings): Promise<BenchWorld> {
    const entry = fileURLToPath(new URL('./bench-world.ts', import.meta.url));
    const child = fork(entry, [JSON.stringify(settings)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<Extract<WorldMessage, { type: 'ready' }>>((resolve, reject) => {
      child.once('exit', (code) =>
        reject(new Error(`the world process exited (${code}) before it was ready`)),
      );
      child.once('message', (message: WorldMessage) => {
        if (message.type === 'ready') resolve(message);
        else reject(new Error(`the world process said ${message.type} before ready`));
      });
    });
    return new BenchWorld(child, ready.profile, ready.installer);
  }

  /** Plugs new devices into ports (a port that holds one gets it replaced); returns the station paths. */
  async plug(devices: PlugSpec[]): Promise<string[]> {
    return (await this.request({ type: 'plug', devices })).paths ?? [];
  }

  async unplug(ports: string[]): Promise<void> {
    await this.request({ type: 'unplug', ports });
  }

  /** CPU time (user + system, ms) the world process and its socat children have used so far. */
  async cpuMs(): Promise<number> {
    return (await this.request({ type: 'cpu' })).cpuMs ?? Number.NaN;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.request({ type: 'stop' });
    await exited;
  }

  /** Ends the world at once (the benchmark failed). */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }

  private request(body: RequestBody): Promise<Extract<WorldMessage, { type: 'reply' }>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) =>
        reply.error ? reject(new Error(`world: ${reply.error}`)) : resolve(reply),
      );
      this.child.send({ ...body, id } as WorldRequest);
    });
  }

  private receive(message: WorldMessage): void {
    switch (message.type) {
      case 'reply':
        this.pending.get(message.id)?.(message);
        this.pending.delete(message.id);
        return;
      case 'provisioned':
        if (message.ok && this.recordDeviceTimes) this.provisionMs.set(message.serialNumber, message.ms);
        return;
      case 'ready':
        return;
    }
  }
}

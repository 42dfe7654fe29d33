import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FleetProvisioningClient } from '../sandbox/devices/fleet-provisioning-client.js';
import type { Provisioner } from '../sandbox/devices/provisioner.js';
import { SimulatedDevice } from '../sandbox/devices/simulated-device.js';
import { startSandbox } from '../sandbox/orchestrator/start-sandbox.js';
import type { PlugSpec, WorldMessage, WorldRequest, WorldSettings } from './bench-world-messages.js';

/**
 * The engine benchmark's world, in a process of its own so that the station's event loop, CPU
 * profile and heap hold only the station: the sandbox (every AWS service on loopback) and simulated
 * devices on pseudo-terminals. Ports are fixed sockets; plugging a new device into a port that still
 * holds one is the conveyor: the old device is pulled, its flash wiped, and the next one plugged in.
 */
const settings = JSON.parse(process.argv[2] ?? '{}') as WorldSettings;
const send = (message: WorldMessage) => process.send?.(message);
mkdirSync(join(settings.dir, 'flash'), { recursive: true, mode: 0o700 });

const sandbox = await startSandbox({
  ports: { cognito: 0, controlPlane: 0, mqtt: 0 },
  rates: {
    registerThingPerSecond: settings.registerThingPerSecond,
    controlPlaneTps: settings.controlPlaneTps,
  },
});
const devices = new Map<string, SimulatedDevice>();

/** The device's own provisioning time: from its PROVISION to the outcome of its MQTT exchange. */
function timedProvisioner(serialNumber: string, inner: Provisioner): Provisioner {
  return {
    async provision(input) {
      const started = performance.now();
      const outcome = await inner.provision(input);
      send({ type: 'provisioned', serialNumber, ms: performance.now() - started, ok: outcome.ok });
      return outcome;
    },
  };
}

async function pull(port: string): Promise<void> {
  const device = devices.get(port);
  if (!device) return;
  devices.delete(port);
  await device.stop();
  rmSync(join(settings.dir, 'flash', device.info.serialNumber), { recursive: true, force: true });
}

async function plug({ port, serialNumber, baudRate }: PlugSpec): Promise<string> {
  await pull(port);
  const device = new SimulatedDevice({
    serialNumber,
    stationPath: join(settings.dir, port),
    devicePath: join(settings.dir, `.device-${port}`),
    storeDir: join(settings.dir, 'flash', serialNumber),
    baudRate: baudRate ?? settings.baudRate,
    rxBuffer: settings.rxBuffer,
    seed: devices.size + 1,
    provisioner: (store) => timedProvisioner(serialNumber, new FleetProvisioningClient({ store })),
  });
  await device.start();
  devices.set(port, device);
  return device.info.path;
}

/** /proc/<pid>/stat fields 14-17: utime, stime, cutime, cstime (clock ticks, 100 per second on Linux). */
function procTimes(pid: number | 'self'): number[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [fields[11], fields[12], fields[13], fields[14], fields[1]].map(Number);
}

/**
 * CPU ms of this process and of its socat children (each pty pair is one): the live ones read from
 * /proc, the ended ones counted in our cutime/cstime. Elsewhere than Linux, this process only.
 */
function worldCpuMs(): number {
  if (process.platform !== 'linux') {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
  const [utime = 0, stime = 0, cutime = 0, cstime = 0] = procTimes('self');
  let ticks = utime + stime + cutime + cstime;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [childUtime = 0, childStime = 0, , , ppid] = procTimes(Number(entry));
      if (ppid === process.pid) ticks += childUtime + childStime;
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks * 10;
}

async function handle(request: WorldRequest): Promise<void> {
  try {
    switch (request.type) {
      case 'plug': {
        const paths = await Promise.all(request.devices.map((spec) => plug(spec)));
        send({ type: 'reply', id: request.id, paths });
        return;
      }
      case 'unplug':
        await Promise.all(request.ports.map((port) => pull(port)));
        send({ type: 'reply', id: request.id });
        return;
      case 'cpu':
        send({ type: 'reply', id: request.id, cpuMs: worldCpuMs() });
        return;
      case 'stop': {
        await Promise.all([...devices.keys()].map((port) => pull(port)));
        await sandbox.stop();
        send({ type: 'reply', id: request.id });
        process.disconnect();
        return;
      }
    }
  } catch (error) {
    send({ type: 'reply', id: request.id, error: (error as Error).message });
  }
}

process.on('message', (request: WorldRequest) => void handle(request));
// The station process went away: take the ptys (socat children) with us.
process.on('disconnect', () => {
  void Promise.all([...devices.keys()].map((port) => pull(port))).finally(() => process.exit(0));
});
send({ type: 'ready', profile: sandbox.profile, installer: sandbox.users.installer });

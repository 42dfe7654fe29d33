import { cpus } from 'node:os';

/** Whole-machine CPU time (ms, all cores) from os.cpus(): busy and total. */
function machineTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const used = times.user + times.nice + times.sys + times.irq;
    busy += used;
    total += used + times.idle;
  }
  return { busy, total };
}

function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export interface LoadShare {
  /** CPU ms this process (the station) used. */
  stationMs: number;
  worldMs: number;
  /** Shares of the whole machine's capacity over the interval, in percent. */
  stationPct: number;
  worldPct: number;
  otherPct: number;
  idlePct: number;
}

/**
 * How the machine's CPU was shared over an interval: the station (this process), the world process,
 * and everything else (other work on the machine, which makes the figures of that interval worse).
 */
export class LoadMeter {
  private readonly machine = machineTimes();
  private readonly station = processCpuMs();

  private constructor(private readonly worldStartMs: number) {}

  static async start(worldCpuMs: () => Promise<number>): Promise<LoadMeter> {
    return new LoadMeter(await worldCpuMs());
  }

  stop(worldNowMs: number): LoadShare {
    const machine = machineTimes();
    const total = machine.total - this.machine.total;
    const busy = machine.busy - this.machine.busy;
    const stationMs = processCpuMs() - this.station;
    const worldMs = worldNowMs - this.worldStartMs;
    const pct = (ms: number) => (total > 0 ? (100 * ms) / total : Number.NaN);
    return {
      stationMs,
      worldMs,
      stationPct: pct(stationMs),
      worldPct: pct(worldMs),
      otherPct: Math.max(0, pct(busy - stationMs - worldMs)),
      idlePct: pct(total - busy),
    };
  }
}

export function describeLoad(share: LoadShare, devices: number): string {
  return (
    `CPU ms/device: station ${(share.stationMs / devices).toFixed(1)}, world ${(share.worldMs / devices).toFixed(1)}; ` +
    `machine: station ${share.stationPct.toFixed(0)}%, world ${share.worldPct.toFixed(0)}%, ` +
    `other processes ${share.otherPct.toFixed(0)}%, idle ${share.idlePct.toFixed(0)}%`
  );
}

/** Share of the whole machine busy over `ms` (percent). */
export async function machineBusyPct(ms: number): Promise<number> {
  const before = machineTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = machineTimes();
  return (100 * (after.busy - before.busy)) / (after.total - before.total);
}

/**
 * Waits (up to `maxWaitMs`) for the machine to be mostly idle: other work running beside the
 * benchmark slows every figure it prints. Returns the last busy share seen and the time waited.
 */
export async function waitForQuietMachine(
  maxBusyPct: number,
  maxWaitMs: number,
): Promise<{ busyPct: number; waitedMs: number }> {
  const started = Date.now();
  let busyPct = await machineBusyPct(1000);
  while (busyPct > maxBusyPct && Date.now() - started < maxWaitMs) busyPct = await machineBusyPct(1000);
  return { busyPct, waitedMs: Date.now() - started };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncodedClaim } from '../src/main/core/device-link/claim-blob.js';
import { DeviceLink } from '../src/main/core/device-link/device-link.js';
import { OfflineProvisioner } from '../sandbox/devices/offline-provisioner.js';
import { sampleClaim } from '../sandbox/devices/sample-claim.js';
import { SimulatedDevice } from '../sandbox/devices/simulated-device.js';

/**
 * Claim delivery over real ptys at an emulated 115200 baud, against the physical minimum
 * (claim bytes × 10 bits / baud). Goal: ratio ≤ 1.25 with a 256-byte device buffer, ≤ 1.10 with 4 KB.
 *   npx tsx bench/link-bench.ts [--runs 7]
 */
const BAUD = 115200;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const cases = [
  { rxBuffer: 256, goal: 1.25 },
  { rxBuffer: 4096, goal: 1.1 },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function benchBuffer(rxBuffer: number): Promise<{ times: number[]; bytes: number; chunk: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'link-bench-'));
  const device = new SimulatedDevice({
    serialNumber: `BENCH-${rxBuffer}`,
    stationPath: join(dir, 'station'),
    devicePath: join(dir, 'device'),
    storeDir: join(dir, 'flash'),
    baudRate: BAUD,
    rxBuffer,
    seed: rxBuffer,
    provisioner: () => new OfflineProvisioner(),
  });
  await device.start();
  const opened = await DeviceLink.open(join(dir, 'station'), { baudRate: BAUD });
  if (!opened.ok) throw new Error(opened.failure.message);
  const link = opened.value;
  try {
    const hello = await link.hello();
    if (!hello.ok) throw new Error(hello.failure.message);
    const times: number[] = [];
    let bytes = 0;
    let chunk = 0;
    for (let run = 0; run < RUNS + 1; run++) {
      const claim = EncodedClaim.encode(sampleClaim(100 + run));
      const started = performance.now();
      const delivered = await link.deliverClaim(claim);
      const elapsed = performance.now() - started;
      claim.wipe();
      if (!delivered.ok) throw new Error(`run ${run}: ${delivered.failure.message}`);
      if (device.counters.overflowBytes > 0)
        throw new Error(`device buffer overflowed by ${device.counters.overflowBytes} bytes`);
      bytes = delivered.value.totalBytes;
      chunk = delivered.value.chunkDataBytes;
      if (run > 0) times.push(elapsed); // the first run warms up JIT and the pty
    }
    return { times, bytes, chunk };
  } finally {
    await link.close();
    await device.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

let allMet = true;
console.log(`claim delivery at ${BAUD} baud, ${RUNS} runs each (median)`);
for (const { rxBuffer, goal } of cases) {
  const { times, bytes, chunk } = await benchBuffer(rxBuffer);
  const minimumMs = (bytes * 10 * 1000) / BAUD;
  const measured = median(times);
  const ratio = measured / minimumMs;
  const met = ratio <= goal;
  allMet &&= met;
  console.log(
    `rx buffer ${String(rxBuffer).padStart(4)} B: claim ${bytes} B, chunk ${chunk} B, measured ${measured.toFixed(1)} ms, ` +
      `physical minimum ${minimumMs.toFixed(1)} ms, ratio ${ratio.toFixed(3)} (goal ≤ ${goal.toFixed(2)}: ${met ? 'met' : 'MISSED'}); ` +
      `runs ${times.map((t) => t.toFixed(0)).join(' ')}`,
  );
}
process.exitCode = allMet ? 0 : 1;

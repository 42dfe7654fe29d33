import { parseArgs } from 'node:util';
import { z } from 'zod';
import { faultNames, parseFault } from './device-faults.js';
import { DeviceFleet } from './device-fleet.js';

/**
 * Starts simulated devices on pseudo-terminals until SIGINT/SIGTERM.
 *   npx tsx sandbox/devices/devices-cli.ts --count 3 --seed 7 --baud 115200 --mode csr,keys \
 *     --dir .sandbox-data/devices [--fault corrupt-crc@1] [--rx-buffer 256] [--offline]
 */
const usage = `usage: devices-cli --count N --seed S --baud B --dir D [--mode csr|keys|csr,keys]
       [--rx-buffer BYTES] [--fault NAME[@INDEX|@SERIAL]]... [--offline]
faults (INDEX counts from 0): ${faultNames.join(', ')}`;

const optionsSchema = z.object({
  count: z.coerce.number().int().min(1).max(64),
  seed: z.coerce.number().int().min(0),
  baud: z.coerce.number().int().min(1200).max(4_000_000),
  dir: z.string().min(1),
  mode: z
    .string()
    .transform((text) => text.split(','))
    .pipe(z.array(z.enum(['csr', 'keys'])).min(1)),
  rxBuffer: z.coerce.number().int().min(256).max(65535).optional(),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
      baud: { type: 'string', default: '115200' },
      dir: { type: 'string', default: '.sandbox-data/devices' },
      mode: { type: 'string', default: 'csr,keys' },
      'rx-buffer': { type: 'string' },
      fault: { type: 'string', multiple: true, default: [] },
      offline: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const parsed = optionsSchema.safeParse({ ...values, rxBuffer: values['rx-buffer'] });
  if (!parsed.success) {
    console.error(`${z.prettifyError(parsed.error)}\n${usage}`);
    process.exitCode = 2;
    return;
  }
  const faults = values.fault.map(parseFault);
  const fleet = await DeviceFleet.start({
    count: parsed.data.count,
    seed: parsed.data.seed,
    baudRate: parsed.data.baud,
    dir: parsed.data.dir,
    modes: parsed.data.mode,
    ...(parsed.data.rxBuffer ? { rxBuffer: parsed.data.rxBuffer } : {}),
    faults,
    cloud: values.offline ? 'offline' : 'mqtt',
  });
  for (const device of fleet.devices) {
    const faultText = device.info.faults.length ? ` faults: ${device.info.faults.join(', ')}` : '';
    console.log(`${device.info.serialNumber}  ${device.info.path}  rx ${device.info.rxBuffer} B${faultText}`);
  }
  console.log(`manifest: ${fleet.manifestPath}  (Ctrl-C to stop)`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping devices`);
    void fleet.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`devices-cli: ${(error as Error).message}`);
  process.exit(1);
});

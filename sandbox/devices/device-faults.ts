import { z } from 'zod';

/** Faults the simulator can inject, each tied to an outcome the protocol document promises. */
export const faultNames = [
  'boot-noise',
  'corrupt-crc',
  'unplug-mid-transfer',
  'small-buffer',
  'slow',
  'silent',
  'reboot-mid-transfer',
  'reboot-mid-provisioning',
  'reject-provisioning',
  'duplicate-frames',
] as const;
export type FaultName = (typeof faultNames)[number];

export const faultSchema = z.enum(faultNames);

export interface FaultSpec {
  name: FaultName;
  /** Device index (0-based) or serial number; all devices when absent. */
  target?: string;
}

/** Parses `name[@device]`. */
export function parseFault(text: string): FaultSpec {
  const [name = '', target] = text.split('@');
  const parsed = faultSchema.safeParse(name);
  if (!parsed.success) throw new Error(`unknown fault "${name}"; known: ${faultNames.join(', ')}`);
  return target ? { name: parsed.data, target } : { name: parsed.data };
}

export function faultsFor(specs: readonly FaultSpec[], index: number, serialNumber: string): Set<FaultName> {
  return new Set(
    specs
      .filter(
        (spec) => spec.target === undefined || spec.target === String(index) || spec.target === serialNumber,
      )
      .map((spec) => spec.name),
  );
}

import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The manifest a device simulator (or a bench set-up script) writes: which serial ports to open and
 * what is expected on them. The station uses it as its configured ports, since pseudo-terminals never
 * show up in a port listing.
 */
export const deviceManifestSchema = z.object({
  devices: z
    .array(
      z
        .object({
          serialNumber: z.string().min(1).max(64),
          path: z.string().min(1),
          model: z.string().max(64).optional(),
          baudRate: z.number().int().min(1200).max(4_000_000).optional(),
        })
        .loose(),
    )
    .max(256),
});
export type DeviceManifest = z.infer<typeof deviceManifestSchema>;

export function readDeviceManifest(
  path: string,
): { ok: true; manifest: DeviceManifest } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { ok: false, message: `Cannot read the device manifest ${path}: ${(error as Error).message}` };
  }
  const parsed = deviceManifestSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      message: `The device manifest ${path} is not valid: ${z.prettifyError(parsed.error)}`,
    };
  }
  return { ok: true, manifest: parsed.data };
}

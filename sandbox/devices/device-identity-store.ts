import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../state-file.js';
import type { DeviceIdentity } from './provisioner.js';

const identitySchema = z.object({
  thingName: z.string(),
  certificateId: z.string().regex(/^[0-9a-f]{64}$/),
  certificatePem: z.string(),
  privateKeyPem: z.string(),
});

/** A simulated device's flash: its permanent identity in one 0600 file under its own folder. */
export class DeviceIdentityStore {
  private readonly path: string;

  constructor(private readonly folder: string) {
    this.path = join(folder, 'identity.json');
  }

  load(): DeviceIdentity | undefined {
    try {
      const parsed = identitySchema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  save(identity: DeviceIdentity): void {
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    writeFileAtomically(this.path, JSON.stringify(identity), 0o600);
  }

  erase(): void {
    rmSync(this.path, { force: true });
  }
}

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { StationProfileView } from '../../shared/view-models.js';
import { StationError } from './station-error.js';

/**
 * The station profile names the AWS side the station talks to: the embedded sandbox by default,
 * or a real account from a profile file. Only its operator-facing summary is read here; the
 * endpoints and ids are read by the services that use them.
 */
const profileFileSchema = z
  .object({
    name: z.string().min(1).max(120),
    kind: z.enum(['sandbox', 'aws']),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'region must look like eu-west-1'),
  })
  .loose();

export const embeddedSandboxProfile: StationProfileView = {
  name: 'Sandbox (embedded)',
  kind: 'sandbox',
  region: 'us-east-1',
};

export async function loadProfileView(path: string | undefined): Promise<StationProfileView> {
  if (!path) return embeddedSandboxProfile;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new StationError(
      `The station profile ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check the path, or start without a profile to use the embedded sandbox.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StationError(
      `The station profile ${path} is not valid JSON. Fix the file or pick another profile.`,
    );
  }
  const parsed = profileFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StationError(
      `The station profile ${path} is incomplete: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown problem'}.`,
    );
  }
  return { name: parsed.data.name, kind: parsed.data.kind, region: parsed.data.region };
}

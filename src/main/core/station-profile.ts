import { readFile } from 'node:fs/promises';
import { parseStationProfile, type StationProfile } from '../../shared/station-profile-schema.js';
import type { StationProfileView } from '../../shared/view-models.js';
import { StationError } from './station-error.js';

/**
 * The station profile names the AWS side the station talks to: the embedded sandbox by default,
 * or a profile file (one written by `npm run sandbox`, or one for a real account). The file is
 * validated whole by the shared schema; the renderer only ever learns its summary.
 */
export const embeddedSandboxProfile: StationProfileView = {
  name: 'Sandbox (embedded)',
  kind: 'sandbox',
  region: 'us-east-1',
};

async function loadProfileFile(path: string): Promise<StationProfile> {
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
  const parsed = parseStationProfile(json);
  if (!parsed.ok) {
    throw new StationError(
      `The station profile ${path} is not usable: ${parsed.problem}. Fix the file or pick another profile.`,
    );
  }
  return parsed.profile;
}

function profileView(profile: StationProfile): StationProfileView {
  return { name: profile.name, kind: profile.kind, region: profile.region };
}

export async function loadProfileView(path: string | undefined): Promise<StationProfileView> {
  return path ? profileView(await loadProfileFile(path)) : embeddedSandboxProfile;
}

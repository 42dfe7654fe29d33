import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseStationProfile, type StationProfile } from '../../shared/station-profile-schema.js';
import type { ProfileView, StationProfileView } from '../../shared/view-models.js';
import { writeFileAtomically } from './files/write-file-atomically.js';
import { StationError } from './station-error.js';

/**
 * The station profile names the AWS side the station talks to: a profile file given at start
 * (one written by `npm run sandbox`, or one for a real account), or one the operator imported.
 * Files are validated whole by the shared schema; the renderer only ever learns its summary.
 */
export const unconfiguredProfile: StationProfileView = {
  name: 'No AWS profile',
  kind: 'sandbox',
  region: 'us-east-1',
};

const IMPORTED_PROFILE_FILE = 'profile.json';

/** Reads and validates a profile file; every problem is a StationError naming the field. */
export async function loadProfileFile(path: string): Promise<StationProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new StationError(
      `The station profile ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check the path, or start without a profile.`,
    );
  }
  return parseProfileText(text, `The station profile ${path}`);
}

/** Validates a profile document given as text (a file's contents, or what the operator pasted). */
export function parseProfileText(text: string, what = 'The profile'): StationProfile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StationError(`${what} is not valid JSON. Fix the file or pick another profile.`);
  }
  const parsed = parseStationProfile(json);
  if (!parsed.ok) {
    throw new StationError(`${what} is not usable: ${parsed.problem}. Fix the file or pick another profile.`);
  }
  return parsed.profile;
}

/** The profile the operator imported last time, if any (a damaged file is reported, not used). */
export async function loadImportedProfile(
  dataDirectory: string,
  log: (line: string) => void,
): Promise<StationProfile | undefined> {
  const path = join(dataDirectory, IMPORTED_PROFILE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return parseProfileText(text, `The station profile ${path}`);
  } catch (error) {
    log(`profile: the imported profile is not usable and was ignored: ${(error as Error).message}`);
    return undefined;
  }
}

/** Remembers the operator's choice; profiles hold ids and endpoints only, never secrets. */
export async function saveImportedProfile(dataDirectory: string, profile: StationProfile): Promise<void> {
  const text = `${JSON.stringify(profile, null, 2)}\n`;
  await writeFileAtomically(join(dataDirectory, IMPORTED_PROFILE_FILE), text, { mode: 0o644 });
}

export function profileSummary(profile: StationProfile | undefined): StationProfileView {
  return profile ? { name: profile.name, kind: profile.kind, region: profile.region } : unconfiguredProfile;
}

export function profileView(
  profile: StationProfile | undefined,
  source: ProfileView['source'],
  sandboxAvailable = false,
): ProfileView {
  return {
    configured: profile !== undefined,
    name: profile?.name ?? unconfiguredProfile.name,
    kind: profile?.kind ?? 'aws',
    region: profile?.region ?? '',
    templateName: profile?.iot.templateName ?? null,
    userPoolId: profile?.cognito.userPoolId ?? null,
    dataEndpoint: profile?.iot.dataEndpoint ?? null,
    source: profile ? source : 'none',
    sandboxAvailable,
  };
}

import type { InvokeArgs } from '../../../../shared/ipc-contract.js';

export type ProfileSource = InvokeArgs<'profile.use'>[0];

/**
 * What a picked .json file is, read in the renderer before anything is sent: an Amplify Gen 2
 * `amplify_outputs.json` (it has `auth` or `version` at the top) or a station profile (`cognito`,
 * `iot`). Main validates the contents; this only decides which kind to send and, for
 * amplify_outputs.json, what the file already says about the IoT side, so the form beside it can
 * say which of the template name and data endpoint still need typing.
 */
export type ProfileFileReading =
  | {
      kind: 'amplify-outputs';
      json: string;
      region: string | null;
      /** From `custom.provisioningStation`, when the backend added it. */
      templateName: string | null;
      dataEndpoint: string | null;
      name: string | null;
    }
  | { kind: 'profile-json'; json: string; name: string | null }
  | { kind: 'unreadable'; problem: string };

/** The sizes main accepts (src/shared/ipc-contract.ts), in characters. */
export const MAX_PROFILE_JSON_CHARS = 128 * 1024;
export const MAX_AMPLIFY_OUTPUTS_CHARS = 512 * 1024;

/** When the picked file cannot be read at all (moved, deleted, locked, its drive gone). */
export const fileNotReadProblem =
  'That file could not be read. Check that it is still there and that this account may open it, then pick it again.';

/** What of a picked File the reading needs; a plain object stands in for it in tests. */
export interface PickedProfileFile {
  name: string;
  size: number;
  text(): Promise<string>;
}

/**
 * Reads a picked file: not at all when far too large (the exact limits are checked on the text),
 * and "could not be read" when the file system refuses, instead of an unhandled rejection.
 */
export async function readPickedProfileFile(file: PickedProfileFile): Promise<ProfileFileReading> {
  if (file.size > 4 * MAX_AMPLIFY_OUTPUTS_CHARS) {
    return { kind: 'unreadable', problem: `${file.name} is too large to be a profile. Pick another file.` };
  }
  let text: string;
  try {
    text = await file.text();
  } catch {
    return { kind: 'unreadable', problem: fileNotReadProblem };
  }
  return readProfileFile(file.name, text);
}

export function readProfileFile(fileName: string, text: string): ProfileFileReading {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return {
      kind: 'unreadable',
      problem: `${fileName} is not a JSON file. Pick amplify_outputs.json or a station profile (.json).`,
    };
  }
  if (!isRecord(document)) {
    return {
      kind: 'unreadable',
      problem: `${fileName} holds no JSON object. Pick amplify_outputs.json or a station profile (.json).`,
    };
  }
  if (looksLikeAmplifyOutputs(document)) {
    if (text.length > MAX_AMPLIFY_OUTPUTS_CHARS) {
      return {
        kind: 'unreadable',
        problem: `${fileName} is larger than 512 KiB; that is not an amplify_outputs.json.`,
      };
    }
    const auth = isRecord(document.auth) ? document.auth : {};
    const custom =
      isRecord(document.custom) && isRecord(document.custom.provisioningStation)
        ? document.custom.provisioningStation
        : {};
    return {
      kind: 'amplify-outputs',
      json: text,
      region: textOf(auth.aws_region),
      templateName: textOf(custom.templateName),
      dataEndpoint: textOf(custom.iotDataEndpoint),
      name: textOf(custom.name),
    };
  }
  if (text.length > MAX_PROFILE_JSON_CHARS) {
    return {
      kind: 'unreadable',
      problem: `${fileName} is larger than 128 KiB; that is not a station profile.`,
    };
  }
  return { kind: 'profile-json', json: text, name: textOf(document.name) };
}

/** amplify_outputs.json has `auth` and `version`; a station profile has `cognito` and `iot` instead. */
export function looksLikeAmplifyOutputs(document: Record<string, unknown>): boolean {
  const stationKeys = 'cognito' in document || 'iot' in document;
  return !stationKeys && ('auth' in document || 'version' in document);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** What the operator may type beside amplify_outputs.json; blank fields are left out. */
export interface BesideAmplifyOutputsFields {
  templateName: string;
  dataEndpoint: string;
  name: string;
}

/** The `profile.use` argument for a file that was read. */
export function profileSourceFromFile(
  reading: Exclude<ProfileFileReading, { kind: 'unreadable' }>,
  beside: BesideAmplifyOutputsFields,
): ProfileSource {
  if (reading.kind === 'profile-json') return { kind: 'profile-json', json: reading.json };
  const filled = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const templateName = filled(beside.templateName);
  const dataEndpoint = filled(beside.dataEndpoint);
  const name = filled(beside.name);
  return {
    kind: 'amplify-outputs',
    json: reading.json,
    ...(templateName !== undefined ? { templateName } : {}),
    ...(dataEndpoint !== undefined ? { dataEndpoint } : {}),
    ...(name !== undefined ? { name } : {}),
  };
}

import { resolve } from 'node:path';
import { parseStationProfile, type StationProfile } from '../../src/shared/station-profile-schema.js';
import { writeFileAtomically } from '../state-file.js';

/** What the sandbox knows once its services listen; the profile is derived from it and nothing else. */
export interface SandboxProfileInput {
  name: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  identityPoolId: string;
  /** `http://127.0.0.1:{port}` serving both Cognito APIs. */
  cognitoEndpoint: string;
  controlPlaneEndpoint: string;
  /** `host:port` of the MQTT broker. */
  dataEndpoint: string;
  templateName: string;
  caCertificatePem: string;
}

/** The sandbox's station profile, checked against the schema the station loads it with. */
export function buildSandboxProfile(input: SandboxProfileInput): StationProfile {
  const parsed = parseStationProfile({
    name: input.name,
    kind: 'sandbox',
    region: input.region,
    cognito: {
      userPoolId: input.userPoolId,
      userPoolClientId: input.userPoolClientId,
      identityPoolId: input.identityPoolId,
      userPoolEndpoint: input.cognitoEndpoint,
      identityPoolEndpoint: input.cognitoEndpoint,
    },
    iot: {
      controlPlaneEndpoint: input.controlPlaneEndpoint,
      dataEndpoint: input.dataEndpoint,
      templateName: input.templateName,
      caCertificatePem: input.caCertificatePem,
    },
  });
  if (!parsed.ok) throw new Error(`The sandbox built an invalid station profile (${parsed.problem})`);
  return parsed.profile;
}

/** Writes the profile atomically (a station reading it never sees half a file); returns the absolute path. */
export function writeStationProfile(profile: StationProfile, path: string): string {
  const absolute = resolve(path);
  // Public content (ids, endpoints, a CA certificate), so readable by the station's user.
  writeFileAtomically(absolute, `${JSON.stringify(profile, null, 2)}\n`, 0o644);
  return absolute;
}

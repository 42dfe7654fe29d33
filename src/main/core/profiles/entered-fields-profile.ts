import type { StationProfileParseResult } from '../../../shared/station-profile-schema.js';
import { checkedProfile, withMqttPort } from './checked-profile.js';

/**
 * A station profile (kind `aws`) from fields the operator typed into a form, keyed by the names
 * below. Blank fields count as absent; every problem names the field by that key.
 */

const FIELDS = {
  name: 'name',
  region: 'region',
  userPoolId: 'cognito.userPoolId',
  userPoolClientId: 'cognito.userPoolClientId',
  identityPoolId: 'cognito.identityPoolId',
  userPoolEndpoint: 'cognito.userPoolEndpoint',
  identityPoolEndpoint: 'cognito.identityPoolEndpoint',
  installersGroup: 'cognito.installersGroup',
  refreshTokenValiditySeconds: 'cognito.refreshTokenValiditySeconds',
  templateName: 'iot.templateName',
  dataEndpoint: 'iot.dataEndpoint',
  controlPlaneEndpoint: 'iot.controlPlaneEndpoint',
  caCertificatePem: 'iot.caCertificatePem',
} as const;

export type ProfileFieldName = keyof typeof FIELDS;
export const PROFILE_FIELD_NAMES = Object.keys(FIELDS) as ProfileFieldName[];
const REQUIRED: ProfileFieldName[] = [
  'userPoolId',
  'userPoolClientId',
  'identityPoolId',
  'templateName',
  'dataEndpoint',
];

export function profileFromFields(fields: Record<string, string>): StationProfileParseResult {
  const values: Partial<Record<ProfileFieldName, string>> = {};
  for (const [key, raw] of Object.entries(fields)) {
    if (!Object.hasOwn(FIELDS, key)) {
      return {
        ok: false,
        problem: `${key}: not a profile field (the fields are ${PROFILE_FIELD_NAMES.join(', ')})`,
      };
    }
    if (typeof raw !== 'string') return { ok: false, problem: `${key}: must be text` };
    const value = key === 'caCertificatePem' ? raw.trim() + '\n' : raw.trim();
    if (value.trim() !== '') values[key as ProfileFieldName] = value;
  }
  for (const key of REQUIRED) {
    if (values[key] === undefined) return { ok: false, problem: `${key}: required` };
  }
  // The region is part of every Cognito id; taken from the user pool id when left blank.
  const region = values.region ?? /^([a-z]{2}(?:-[a-z]+)+-\d)_/.exec(values.userPoolId ?? '')?.[1];
  if (region === undefined)
    return { ok: false, problem: 'userPoolId: userPoolId must look like eu-west-1_AbC123' };
  let refreshTokenValiditySeconds: number | undefined;
  if (values.refreshTokenValiditySeconds !== undefined) {
    if (!/^\d+$/.test(values.refreshTokenValiditySeconds)) {
      return { ok: false, problem: 'refreshTokenValiditySeconds: must be a whole number of seconds' };
    }
    refreshTokenValiditySeconds = Number(values.refreshTokenValiditySeconds);
  }
  const optional = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });
  const candidate = {
    name: values.name ?? `AWS ${region}`,
    kind: 'aws',
    region,
    cognito: {
      userPoolId: values.userPoolId,
      userPoolClientId: values.userPoolClientId,
      identityPoolId: values.identityPoolId,
      ...optional('userPoolEndpoint', values.userPoolEndpoint),
      ...optional('identityPoolEndpoint', values.identityPoolEndpoint),
      ...optional('installersGroup', values.installersGroup),
      ...optional('refreshTokenValiditySeconds', refreshTokenValiditySeconds),
    },
    iot: {
      templateName: values.templateName,
      dataEndpoint: withMqttPort(values.dataEndpoint ?? ''),
      ...optional('controlPlaneEndpoint', values.controlPlaneEndpoint),
      ...optional('caCertificatePem', values.caCertificatePem),
    },
  };
  const names = Object.fromEntries(Object.entries(FIELDS).map(([field, path]) => [path, field]));
  return checkedProfile(candidate, names);
}

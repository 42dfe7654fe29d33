import { z } from 'zod';
import { installersGroupOf, type StationProfileParseResult } from '../../../shared/station-profile-schema.js';
import { checkedProfile, withMqttPort } from './checked-profile.js';

/**
 * A station profile from an Amplify Gen 2 `amplify_outputs.json` (what `npx ampx sandbox` or a
 * deployed branch writes). Its `auth` section gives the Cognito side: `aws_region`, `user_pool_id`,
 * `user_pool_client_id`, `identity_pool_id`, `mfa_configuration`, `mfa_methods`, `groups`.
 *
 * The IoT side is not an Amplify category; a backend adds it with `backend.addOutput({ custom: … })`
 * under this key, all optional, each overridable by what the operator enters beside the file:
 *
 * ```json
 * "custom": {
 *   "provisioningStation": {
 *     "templateName": "TrustedUserProvisioningTemplate",      // Fleet Provisioning template
 *     "iotDataEndpoint": "abc123-ats.iot.eu-west-1.amazonaws.com", // DescribeEndpoint iot:Data-ATS; :8883 added
 *     "iotControlPlaneEndpoint": "https://iot.eu-west-1.amazonaws.com", // only to override the SDK's
 *     "installersGroup": "installers",                         // the group that may provision
 *     "refreshTokenValiditySeconds": 2592000,                  // the app client's refresh token expiration
 *     "name": "Production eu-west-1"                           // shown to the operator
 *   }
 * }
 * ```
 *
 * Every problem names the field, as it is spelled in the file or in the form beside it.
 */

export const CUSTOM_SECTION = 'provisioningStation';
const CUSTOM = `custom.${CUSTOM_SECTION}`;

export interface BesideAmplifyOutputs {
  templateName?: string;
  dataEndpoint?: string;
  name?: string;
  installersGroup?: string;
}

const GROUPS_SHAPE = 'groups must be a list like [{ "installers": { "precedence": 0 } }]';
const text = (what: string) => z.string({ error: `${what} must be a string` });

const authSchema = z.looseObject({
  aws_region: text('aws_region'),
  user_pool_id: text('user_pool_id'),
  user_pool_client_id: text('user_pool_client_id'),
  identity_pool_id: text('identity_pool_id').optional(),
  mfa_configuration: z
    .enum(['NONE', 'OPTIONAL', 'REQUIRED'], { error: 'mfa_configuration must be NONE, OPTIONAL or REQUIRED' })
    .optional(),
  mfa_methods: z.array(z.string(), { error: 'mfa_methods must be a list of strings' }).optional(),
  groups: z
    .array(z.record(z.string(), z.looseObject({}), { error: GROUPS_SHAPE }), { error: GROUPS_SHAPE })
    .optional(),
});

const customSchema = z.strictObject(
  {
    templateName: text('templateName').optional(),
    iotDataEndpoint: text('iotDataEndpoint').optional(),
    iotControlPlaneEndpoint: text('iotControlPlaneEndpoint').optional(),
    installersGroup: text('installersGroup').optional(),
    refreshTokenValiditySeconds: z
      .number({ error: 'refreshTokenValiditySeconds must be a number of seconds' })
      .optional(),
    name: text('name').optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.join(', ')}` : undefined,
  },
);

const documentSchema = z.looseObject({
  auth: authSchema.optional(),
  custom: z.looseObject({ [CUSTOM_SECTION]: customSchema.optional() }).optional(),
});

export function profileFromAmplifyOutputs(
  document: unknown,
  beside: BesideAmplifyOutputs = {},
): StationProfileParseResult {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return { ok: false, problem: 'amplify_outputs.json: must be a JSON object' };
  }
  const parsed = documentSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') || 'amplify_outputs.json';
    return { ok: false, problem: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  const { auth } = parsed.data;
  if (!auth) {
    return {
      ok: false,
      problem: 'auth: missing — this amplify_outputs.json has no auth section (the backend needs defineAuth)',
    };
  }
  if (auth.identity_pool_id === undefined) {
    return {
      ok: false,
      problem:
        'auth.identity_pool_id: missing — the station needs the identity pool for AWS credentials (Amplify Gen 2 auth creates one)',
    };
  }
  const mfaMethods = (auth.mfa_methods ?? []).map((method) => method.toUpperCase());
  if (auth.mfa_configuration === 'REQUIRED' && !mfaMethods.includes('TOTP')) {
    return {
      ok: false,
      problem: `auth.mfa_methods: MFA is REQUIRED with ${mfaMethods.join(', ') || 'no method'} only; the station accepts authenticator-app codes, so the pool must allow TOTP`,
    };
  }
  const custom = parsed.data.custom?.[CUSTOM_SECTION] ?? {};
  const installersGroup = nonEmpty(beside.installersGroup) ?? custom.installersGroup;
  const groupNames = (auth.groups ?? []).flatMap((entry) => Object.keys(entry));
  const wanted = installersGroupOf({ installersGroup });
  if (groupNames.length > 0 && !groupNames.includes(wanted)) {
    return {
      ok: false,
      problem: `auth.groups: no group named "${wanted}" (the group whose members may provision); the pool has ${groupNames.join(', ')} — name the right one as installersGroup`,
    };
  }

  const templateName = nonEmpty(beside.templateName) ?? custom.templateName;
  const dataEndpoint = nonEmpty(beside.dataEndpoint) ?? custom.iotDataEndpoint;
  const fromBeside = (key: keyof BesideAmplifyOutputs) => nonEmpty(beside[key]) !== undefined;
  if (templateName === undefined) {
    return {
      ok: false,
      problem: `templateName: missing — enter the Fleet Provisioning template name, or add ${CUSTOM}.templateName to the file`,
    };
  }
  if (dataEndpoint === undefined) {
    return {
      ok: false,
      problem: `dataEndpoint: missing — enter the IoT data endpoint (DescribeEndpoint iot:Data-ATS), or add ${CUSTOM}.iotDataEndpoint to the file`,
    };
  }

  const candidate = {
    name: nonEmpty(beside.name) ?? custom.name ?? `Amplify (${auth.aws_region})`,
    kind: 'aws',
    region: auth.aws_region,
    cognito: {
      userPoolId: auth.user_pool_id,
      userPoolClientId: auth.user_pool_client_id,
      identityPoolId: auth.identity_pool_id,
      ...(installersGroup !== undefined ? { installersGroup } : {}),
      ...(custom.refreshTokenValiditySeconds !== undefined
        ? { refreshTokenValiditySeconds: custom.refreshTokenValiditySeconds }
        : {}),
    },
    iot: {
      dataEndpoint: withMqttPort(dataEndpoint.trim()),
      templateName: templateName.trim(),
      ...(custom.iotControlPlaneEndpoint !== undefined
        ? { controlPlaneEndpoint: custom.iotControlPlaneEndpoint }
        : {}),
    },
  };
  return checkedProfile(candidate, {
    name: fromBeside('name') ? 'name' : `${CUSTOM}.name`,
    region: 'auth.aws_region',
    'cognito.userPoolId': 'auth.user_pool_id',
    'cognito.userPoolClientId': 'auth.user_pool_client_id',
    'cognito.identityPoolId': 'auth.identity_pool_id',
    'cognito.installersGroup': fromBeside('installersGroup')
      ? 'installersGroup'
      : `${CUSTOM}.installersGroup`,
    'cognito.refreshTokenValiditySeconds': `${CUSTOM}.refreshTokenValiditySeconds`,
    'iot.templateName': fromBeside('templateName') ? 'templateName' : `${CUSTOM}.templateName`,
    'iot.dataEndpoint': fromBeside('dataEndpoint') ? 'dataEndpoint' : `${CUSTOM}.iotDataEndpoint`,
    'iot.controlPlaneEndpoint': `${CUSTOM}.iotControlPlaneEndpoint`,
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Fields typed in by hand; here too, so one import serves both sources. */
export { profileFromFields } from './entered-fields-profile.js';

/**
 * The "enter fields" form of the AWS profile screen. The keys are exactly those main's
 * `profileFromFields` (src/main/core/profiles/entered-fields-profile.ts) reads, and the required
 * ones are its required ones; a unit test holds the two together. Main validates the values and
 * names the field in its message, which `fieldNamedIn` finds so the form can point at it.
 */
export const profileFieldKeys = [
  'name',
  'region',
  'userPoolId',
  'userPoolClientId',
  'identityPoolId',
  'templateName',
  'dataEndpoint',
  'installersGroup',
  'refreshTokenValiditySeconds',
  'userPoolEndpoint',
  'identityPoolEndpoint',
  'controlPlaneEndpoint',
  'caCertificatePem',
] as const;
export type ProfileFieldKey = (typeof profileFieldKeys)[number];
export type ProfileFieldValues = Record<ProfileFieldKey, string>;

export interface ProfileFieldSpec {
  key: ProfileFieldKey;
  label: string;
  required: boolean;
  hint: string;
  placeholder?: string;
  /** Several lines (a PEM certificate). */
  multiline?: boolean;
  /** Only for setups other than plain AWS defaults: shown under "Advanced". */
  advanced?: boolean;
}

export const profileFieldSpecs: readonly ProfileFieldSpec[] = [
  {
    key: 'name',
    label: 'Display name',
    required: false,
    hint: 'Shown in the top bar, e.g. "Production eu-west-1". Blank: "AWS <region>".',
  },
  {
    key: 'region',
    label: 'Region',
    required: false,
    hint: 'Blank: taken from the user pool id.',
    placeholder: 'e.g. eu-west-1',
  },
  {
    key: 'userPoolId',
    label: 'User pool id',
    required: true,
    hint: 'Cognito → User pools → the pool → User pool ID.',
    placeholder: 'e.g. eu-west-1_AbC123dEf',
  },
  {
    key: 'userPoolClientId',
    label: 'App client id',
    required: true,
    hint: 'The station’s app client in that user pool (no client secret).',
  },
  {
    key: 'identityPoolId',
    label: 'Identity pool id',
    required: true,
    hint: 'Cognito → Identity pools → the pool → Identity pool ID.',
    placeholder: 'e.g. eu-west-1:00000000-0000-0000-0000-000000000000',
  },
  {
    key: 'templateName',
    label: 'Provisioning template name',
    required: true,
    hint: 'The AWS IoT Fleet Provisioning template devices provision with.',
    placeholder: 'e.g. TrustedUserProvisioningTemplate',
  },
  {
    key: 'dataEndpoint',
    label: 'IoT data endpoint',
    required: true,
    hint: 'aws iot describe-endpoint --endpoint-type iot:Data-ATS; port 8883 is added when missing.',
    placeholder: 'e.g. abc123example-ats.iot.eu-west-1.amazonaws.com',
  },
  {
    key: 'installersGroup',
    label: 'Installers group',
    required: false,
    hint: 'The Cognito group whose members may provision. Blank: "installers".',
    advanced: true,
  },
  {
    key: 'refreshTokenValiditySeconds',
    label: 'Refresh token validity (seconds)',
    required: false,
    hint: 'The app client’s refresh token expiration, so the station knows when to ask for a new sign-in.',
    advanced: true,
  },
  {
    key: 'userPoolEndpoint',
    label: 'User pool endpoint',
    required: false,
    hint: 'Only for a non-default Cognito endpoint (e.g. a VPC endpoint).',
    advanced: true,
  },
  {
    key: 'identityPoolEndpoint',
    label: 'Identity pool endpoint',
    required: false,
    hint: 'Only for a non-default Cognito Identity endpoint.',
    advanced: true,
  },
  {
    key: 'controlPlaneEndpoint',
    label: 'IoT control plane endpoint',
    required: false,
    hint: 'Only for a non-default AWS IoT endpoint.',
    advanced: true,
  },
  {
    key: 'caCertificatePem',
    label: 'CA certificate of the data endpoint (PEM)',
    required: false,
    hint: 'Only when the data endpoint’s certificate is not signed by Amazon Root CA.',
    multiline: true,
    advanced: true,
  },
];

export function emptyProfileFieldValues(): ProfileFieldValues {
  return Object.fromEntries(profileFieldKeys.map((key) => [key, ''])) as ProfileFieldValues;
}

/** The fields to send: the filled ones, as typed (main trims them; blank counts as absent). */
export function profileFieldsRecord(values: ProfileFieldValues): Record<string, string> {
  const record: Record<string, string> = {};
  for (const key of profileFieldKeys) {
    if (values[key].trim() !== '') record[key] = values[key];
  }
  return record;
}

/** The first required field left blank, with what to do, or null when all are filled. */
export function missingRequiredField(
  values: ProfileFieldValues,
): { key: ProfileFieldKey; message: string } | null {
  const spec = profileFieldSpecs.find((field) => field.required && values[field.key].trim() === '');
  return spec ? { key: spec.key, message: `${spec.label} is required.` } : null;
}

/** The field main's message is about ("The profile is not usable: userPoolId: required."), if any. */
export function fieldNamedIn(message: string): ProfileFieldKey | null {
  const named = /(?<=^|\s)([A-Za-z]+): /g;
  for (const match of message.matchAll(named)) {
    const key = profileFieldKeys.find((candidate) => candidate === match[1]);
    if (key) return key;
  }
  return null;
}

/**
 * Main's message with the field keys it names put as the form labels them ("User pool id must …").
 * A key that is also a plain word (name, region) is replaced only where it heads a problem ("name:").
 */
export function withFieldLabels(message: string): string {
  let worded = message;
  for (const spec of profileFieldSpecs) {
    const plainWord = spec.key === spec.key.toLowerCase();
    const pattern = new RegExp(`(?<![.\\w])${spec.key}${plainWord ? '(?=:)' : '\\b'}`, 'g');
    worded = worded.replace(pattern, spec.label);
  }
  return worded;
}

import { describe, expect, it } from 'vitest';
import {
  profileFromAmplifyOutputs,
  profileFromFields,
} from '../../../src/main/core/profiles/amplify-outputs-profile.js';
import { parseStationProfile } from '../../../src/shared/station-profile-schema.js';

/** What `npx ampx` writes for a Gen 2 backend with defineAuth (groups, TOTP) and a custom output. */
function amplifyOutputs(): Record<string, unknown> {
  return {
    auth: {
      user_pool_id: 'eu-west-1_AbCdEf123',
      aws_region: 'eu-west-1',
      user_pool_client_id: '1a2b3c4d5e6f7g8h9i0j1k2l3m',
      identity_pool_id: 'eu-west-1:0b5f7c1e-1234-4abc-9def-0123456789ab',
      mfa_methods: ['TOTP'],
      standard_required_attributes: ['email'],
      username_attributes: ['email'],
      user_verification_types: ['email'],
      groups: [{ installers: { precedence: 0 } }, { admins: { precedence: 1 } }],
      mfa_configuration: 'OPTIONAL',
      password_policy: {
        min_length: 8,
        require_lowercase: true,
        require_numbers: true,
        require_symbols: true,
        require_uppercase: true,
      },
      unauthenticated_identities_enabled: true,
    },
    data: { url: 'https://example.appsync-api.eu-west-1.amazonaws.com/graphql', aws_region: 'eu-west-1' },
    version: '1.4',
    custom: {
      provisioningStation: {
        templateName: 'TrustedUserProvisioningTemplate',
        iotDataEndpoint: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com',
      },
    },
  };
}

function withAuth(changes: Record<string, unknown>): Record<string, unknown> {
  const document = amplifyOutputs();
  document.auth = { ...(document.auth as object), ...changes };
  return document;
}

function problemOf(result: ReturnType<typeof profileFromAmplifyOutputs>): string {
  if (result.ok) throw new Error('expected a problem');
  return result.problem;
}

describe('profileFromAmplifyOutputs', () => {
  it('builds an aws profile that the station schema accepts, IoT values from custom', () => {
    const result = profileFromAmplifyOutputs(amplifyOutputs());
    expect(result).toEqual({
      ok: true,
      profile: {
        name: 'Amplify (eu-west-1)',
        kind: 'aws',
        region: 'eu-west-1',
        cognito: {
          userPoolId: 'eu-west-1_AbCdEf123',
          userPoolClientId: '1a2b3c4d5e6f7g8h9i0j1k2l3m',
          identityPoolId: 'eu-west-1:0b5f7c1e-1234-4abc-9def-0123456789ab',
        },
        iot: {
          // DescribeEndpoint gives no port: devices speak MQTT over TLS on 8883.
          dataEndpoint: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com:8883',
          templateName: 'TrustedUserProvisioningTemplate',
        },
      },
    });
    expect(result.ok && parseStationProfile(result.profile)).toEqual(result);
  });

  it('takes what is entered beside the file over its custom section', () => {
    const result = profileFromAmplifyOutputs(amplifyOutputs(), {
      templateName: 'OtherTemplate',
      dataEndpoint: 'other-ats.iot.eu-west-1.amazonaws.com:443',
      name: 'Line 3',
    });
    expect(result).toMatchObject({
      ok: true,
      profile: {
        name: 'Line 3',
        iot: { templateName: 'OtherTemplate', dataEndpoint: 'other-ats.iot.eu-west-1.amazonaws.com:443' },
      },
    });
  });

  it('reads the optional custom keys: installers group, session length, control plane, name', () => {
    const document = amplifyOutputs();
    document.auth = { ...(document.auth as object), groups: [{ 'bench-installers': { precedence: 0 } }] };
    document.custom = {
      provisioningStation: {
        templateName: 'T1',
        iotDataEndpoint: 'x-ats.iot.eu-west-1.amazonaws.com:8883',
        iotControlPlaneEndpoint: 'https://iot.eu-west-1.amazonaws.com',
        installersGroup: 'bench-installers',
        refreshTokenValiditySeconds: 43_200,
        name: 'Production eu-west-1',
      },
    };
    expect(profileFromAmplifyOutputs(document)).toMatchObject({
      ok: true,
      profile: {
        name: 'Production eu-west-1',
        cognito: { installersGroup: 'bench-installers', refreshTokenValiditySeconds: 43_200 },
        iot: { controlPlaneEndpoint: 'https://iot.eu-west-1.amazonaws.com' },
      },
    });
  });

  it('needs the IoT template and data endpoint from custom or beside, and says where to put them', () => {
    const document = amplifyOutputs();
    delete document.custom;
    expect(problemOf(profileFromAmplifyOutputs(document))).toBe(
      'templateName: missing — enter the Fleet Provisioning template name, or add custom.provisioningStation.templateName to the file',
    );
    expect(problemOf(profileFromAmplifyOutputs(document, { templateName: 'T1' }))).toMatch(
      /^dataEndpoint: missing — enter the IoT data endpoint/,
    );
    expect(
      profileFromAmplifyOutputs(document, {
        templateName: 'T1',
        dataEndpoint: 'x-ats.iot.eu-west-1.amazonaws.com',
      }).ok,
    ).toBe(true);
  });

  it.each([
    ['not an object', () => ['auth'], 'amplify_outputs.json: must be a JSON object'],
    [
      'no auth section',
      () => ({ version: '1.4', data: {} }),
      'auth: missing — this amplify_outputs.json has no auth section (the backend needs defineAuth)',
    ],
    [
      'no identity pool',
      () => withAuth({ identity_pool_id: undefined }),
      'auth.identity_pool_id: missing — the station needs the identity pool for AWS credentials (Amplify Gen 2 auth creates one)',
    ],
    [
      'a region that is no region',
      () => withAuth({ aws_region: 'Ireland' }),
      'auth.aws_region: aws_region must look like eu-west-1',
    ],
    [
      'a user pool in another region',
      () => withAuth({ user_pool_id: 'us-east-1_AbCdEf123' }),
      "auth.user_pool_id: user_pool_id is in us-east-1 but the profile's region is eu-west-1",
    ],
    [
      'a malformed user pool id',
      () => withAuth({ user_pool_id: 'AbCdEf123' }),
      'auth.user_pool_id: user_pool_id must look like eu-west-1_AbC123',
    ],
    [
      'a malformed client id',
      () => withAuth({ user_pool_client_id: 'has spaces in it' }),
      'auth.user_pool_client_id: user_pool_client_id is 1-128 word characters',
    ],
    [
      'a client id that is not a string',
      () => withAuth({ user_pool_client_id: 42 }),
      'auth.user_pool_client_id: user_pool_client_id must be a string',
    ],
    [
      'MFA required by SMS only',
      () => withAuth({ mfa_configuration: 'REQUIRED', mfa_methods: ['SMS'] }),
      'auth.mfa_methods: MFA is REQUIRED with SMS only; the station accepts authenticator-app codes, so the pool must allow TOTP',
    ],
    [
      'an unknown MFA setting',
      () => withAuth({ mfa_configuration: 'ALWAYS' }),
      'auth.mfa_configuration: mfa_configuration must be NONE, OPTIONAL or REQUIRED',
    ],
    [
      'groups without the installers group',
      () => withAuth({ groups: [{ admins: { precedence: 0 } }] }),
      'auth.groups: no group named "installers" (the group whose members may provision); the pool has admins — name the right one as installersGroup',
    ],
    [
      'groups in the wrong shape',
      () => withAuth({ groups: ['installers'] }),
      'auth.groups.0: groups must be a list like [{ "installers": { "precedence": 0 } }]',
    ],
    [
      'an unknown key in the station section',
      () => ({
        ...amplifyOutputs(),
        custom: { provisioningStation: { templateName: 'T', iotEndpoint: 'x' } },
      }),
      'custom.provisioningStation: unknown key iotEndpoint',
    ],
    [
      'a template name AWS would refuse',
      () => ({
        ...amplifyOutputs(),
        custom: { provisioningStation: { templateName: 'has spaces', iotDataEndpoint: 'x.example.com' } },
      }),
      'custom.provisioningStation.templateName: templateName is 1-36 letters, digits, _ or -',
    ],
    [
      'a control plane that is not https',
      () => ({
        ...amplifyOutputs(),
        custom: {
          provisioningStation: {
            templateName: 'T',
            iotDataEndpoint: 'x.example.com',
            iotControlPlaneEndpoint: 'http://iot.eu-west-1.amazonaws.com',
          },
        },
      }),
      "custom.provisioningStation.iotControlPlaneEndpoint: an aws profile's iot.iotControlPlaneEndpoint must be https",
    ],
  ])('refuses %s, naming the field', (_case, document, problem) => {
    expect(problemOf(profileFromAmplifyOutputs(document()))).toBe(problem);
  });

  it('names the field beside the file when that is where a bad value came from', () => {
    expect(problemOf(profileFromAmplifyOutputs(amplifyOutputs(), { templateName: 'bad name' }))).toBe(
      'templateName: templateName is 1-36 letters, digits, _ or -',
    );
    expect(problemOf(profileFromAmplifyOutputs(amplifyOutputs(), { dataEndpoint: 'https://x' }))).toMatch(
      /^dataEndpoint: must be host:port/,
    );
  });
});

describe('profileFromFields', () => {
  const fields = {
    userPoolId: 'eu-west-1_AbCdEf123',
    userPoolClientId: '1a2b3c4d5e6f7g8h9i0j1k2l3m',
    identityPoolId: 'eu-west-1:0b5f7c1e-1234-4abc-9def-0123456789ab',
    templateName: 'TrustedUserProvisioningTemplate',
    dataEndpoint: ' a1b2-ats.iot.eu-west-1.amazonaws.com ',
  };

  it('builds an aws profile, region from the user pool id, blanks ignored, values trimmed', () => {
    const result = profileFromFields({ ...fields, name: '', controlPlaneEndpoint: '  ' });
    expect(result).toEqual({
      ok: true,
      profile: {
        name: 'AWS eu-west-1',
        kind: 'aws',
        region: 'eu-west-1',
        cognito: {
          userPoolId: 'eu-west-1_AbCdEf123',
          userPoolClientId: '1a2b3c4d5e6f7g8h9i0j1k2l3m',
          identityPoolId: 'eu-west-1:0b5f7c1e-1234-4abc-9def-0123456789ab',
        },
        iot: {
          templateName: 'TrustedUserProvisioningTemplate',
          dataEndpoint: 'a1b2-ats.iot.eu-west-1.amazonaws.com:8883',
        },
      },
    });
  });

  it('takes the optional fields', () => {
    const result = profileFromFields({
      ...fields,
      name: 'Bench 2',
      region: 'eu-west-1',
      installersGroup: 'bench',
      refreshTokenValiditySeconds: '86400',
      userPoolEndpoint: 'https://cognito-idp.eu-west-1.amazonaws.com',
    });
    expect(result).toMatchObject({
      ok: true,
      profile: {
        name: 'Bench 2',
        cognito: {
          installersGroup: 'bench',
          refreshTokenValiditySeconds: 86_400,
          userPoolEndpoint: 'https://cognito-idp.eu-west-1.amazonaws.com',
        },
      },
    });
  });

  it.each([
    [{ ...fields, userPoolId: '' }, 'userPoolId: required'],
    [{ ...fields, templateName: undefined as unknown as string }, 'templateName: required'],
    [
      { ...fields, userPoolID: 'x' },
      /^userPoolID: not a profile field \(the fields are name, region, userPoolId/,
    ],
    [{ ...fields, userPoolId: 'eu-west-1-AbC' }, 'userPoolId: userPoolId must look like eu-west-1_AbC123'],
    [
      { ...fields, region: 'us-east-1' },
      "userPoolId: userPoolId is in eu-west-1 but the profile's region is us-east-1",
    ],
    [
      { ...fields, identityPoolId: 'eu-west-1:XYZ' },
      'identityPoolId: identityPoolId must look like eu-west-1:<uuid>',
    ],
    [{ ...fields, dataEndpoint: 'x.example.com:99999' }, 'dataEndpoint: port must be 1-65535'],
    [
      { ...fields, refreshTokenValiditySeconds: '1 day' },
      'refreshTokenValiditySeconds: must be a whole number of seconds',
    ],
    [
      { ...fields, refreshTokenValiditySeconds: '60' },
      'refreshTokenValiditySeconds: refreshTokenValiditySeconds is at least 3600 (1 hour)',
    ],
    [
      { ...fields, installersGroup: 'two words' },
      /^installersGroup: installersGroup is a Cognito group name/,
    ],
    [
      { ...fields, userPoolEndpoint: 'http://127.0.0.1:9229' },
      "userPoolEndpoint: an aws profile's cognito.userPoolEndpoint must be https",
    ],
    [
      { ...fields, caCertificatePem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' },
      'caCertificatePem: must hold PEM CERTIFICATE blocks only',
    ],
  ])('refuses %o with a problem naming the field', (input, problem) => {
    const result = profileFromFields(
      Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });
});

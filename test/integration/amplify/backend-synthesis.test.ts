import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentNames } from '../../../amplify/provisioning/deployment-names.js';
import { devicePolicyDocument } from '../../../backend-definition/device-policy.js';
import { installerPolicyDocument } from '../../../backend-definition/installer-policy.js';
import {
  ADMINS_GROUP,
  groupPrecedence,
  INSTALLERS_GROUP,
  PRE_PROVISIONING_HOOK_PAYLOAD_VERSION,
} from '../../../backend-definition/names.js';
import type {
  PreProvisioningHookAnswer,
  PreProvisioningHookEvent,
} from '../../../backend-definition/pre-provisioning-hook.js';
import { provisioningTemplateBody } from '../../../backend-definition/provisioning-template.js';
import { profileFromAmplifyOutputs } from '../../../src/main/core/profiles/amplify-outputs-profile.js';
import { synthesizeBackend } from '../../support/synthesize-backend.js';
import { amplifyOutputsOf } from './amplify-outputs.js';
import {
  fixtureOf,
  synthesizeFixture,
  testArns as arns,
  testDataEndpoint as dataEndpoint,
  testEnvironment as environment,
  type BackendFixture,
} from './backend-fixture.js';
import { listOf, stationActions, statementsOfRole } from './iam-statements.js';

/**
 * The Amplify backend (amplify/), synthesized once offline as a developer's `ampx sandbox` would,
 * asserted resource by resource against backend-definition/, with every IAM statement walked.
 */

const identity = { namespace: 'provisioning-station', name: 'alice', type: 'sandbox' } as const;
const outDir = mkdtempSync(join(tmpdir(), 'amplify-synth-'));
let fixture: BackendFixture;
let auth: Template;
let provisioning: Template;
let fn: Template;

beforeAll(async () => {
  fixture = await synthesizeFixture(outDir, { identity });
  auth = Template.fromJSON(fixture.backend.stacks.auth.template);
  provisioning = Template.fromJSON(fixture.backend.stacks.provisioning.template);
  fn = Template.fromJSON(fixture.backend.stacks.function.template);
}, 120_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('auth', () => {
  it('signs in with a username or the email alias, TOTP MFA required, no self sign-up', () => {
    auth.resourceCountIs('AWS::Cognito::UserPool', 1);
    auth.hasResourceProperties('AWS::Cognito::UserPool', {
      AliasAttributes: ['email'],
      UsernameAttributes: Match.absent(),
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });

  it('leaves a sandbox user pool deletable', () => {
    const pool = fixture.backend.stacks.auth.template.Resources[fixture.ids.userPool];
    expect(pool?.DeletionPolicy).toBe('Delete');
    expect(pool?.Properties?.DeletionProtection).not.toBe('ACTIVE');
  });

  it('has the installers and admins groups, each with its own role, precedence from backend-definition', () => {
    auth.resourceCountIs('AWS::Cognito::UserPoolGroup', 2);
    for (const [group, roleId] of [
      [INSTALLERS_GROUP, fixture.ids.installersRole],
      [ADMINS_GROUP, fixture.ids.adminsRole],
    ] as const) {
      auth.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
        GroupName: group,
        Precedence: groupPrecedence[group],
        UserPoolId: { Ref: fixture.ids.userPool },
        RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      });
    }
  });

  it('has an identity pool without guest access that maps roles from the token', () => {
    auth.hasResourceProperties('AWS::Cognito::IdentityPool', { AllowUnauthenticatedIdentities: false });
    const [attachment] = Object.values(auth.findResources('AWS::Cognito::IdentityPoolRoleAttachment'));
    const resolved = fixture.resolver.resolve('auth', attachment?.Properties);
    const poolId = fixture.resolver.ref('auth', fixture.ids.userPool);
    const clientId = fixture.resolver.ref('auth', fixture.ids.client);
    expect(resolved).toEqual({
      IdentityPoolId: fixture.resolver.ref('auth', fixture.ids.identityPool),
      // Only signed-in identities get a role: the guest role is not mapped.
      Roles: { authenticated: fixture.resolver.arn('auth', fixture.ids.authenticatedRole) },
      RoleMappings: {
        UserPoolWebClientRoleMapping: {
          Type: 'Token',
          // A signed-in user in no group gets the authenticated role, which has no IoT rights.
          AmbiguousRoleResolution: 'AuthenticatedRole',
          IdentityProvider: `cognito-idp.eu-west-1.amazonaws.com/${poolId}:${clientId}`,
        },
      },
    });
  });
});

describe('provisioning', () => {
  it('names the template and device policy after this backend', () => {
    expect({ templateName: fixture.templateName, devicePolicyName: fixture.devicePolicyName }).toEqual(
      deploymentNames(identity),
    );
    expect(fixture.templateName).toMatch(/^Station-alice-[0-9a-f]{8}$/);
    expect(fixture.templateName.length).toBeLessThanOrEqual(36);
    expect(fixture.devicePolicyName).toMatch(/^StationDevicePolicy-alice-[0-9a-f]{8}$/);
  });

  it("holds backend-definition's template body, enabled, with the hook Lambda as pre-provisioning hook", () => {
    const [resource] = Object.values(provisioning.findResources('AWS::IoT::ProvisioningTemplate'));
    const properties = fixture.resolver.resolve('provisioning', resource?.Properties) as Record<
      string,
      unknown
    >;
    expect(JSON.parse(properties.TemplateBody as string)).toEqual(
      provisioningTemplateBody(fixture.devicePolicyName),
    );
    expect(properties).toMatchObject({
      TemplateType: 'FLEET_PROVISIONING',
      Enabled: true,
      ProvisioningRoleArn: fixture.resolver.arn('provisioning', fixture.ids.provisioningRole),
      PreProvisioningHook: {
        TargetArn: fixture.resolver.arn('function', fixture.ids.hook),
        PayloadVersion: PRE_PROVISIONING_HOOK_PAYLOAD_VERSION,
      },
    });
    // The device policy and the hook's permission exist before a device can provision.
    expect(resource?.DependsOn).toEqual(
      expect.arrayContaining(['DevicePolicy', 'PreProvisioningHookPermission']),
    );
  });

  it("holds backend-definition's device policy, removed with the sandbox", () => {
    const resource = fixture.backend.stacks.provisioning.template.Resources.DevicePolicy;
    expect(resource?.Type).toBe('AWS::IoT::Policy');
    expect(fixture.resolver.resolve('provisioning', resource?.Properties?.PolicyDocument)).toEqual(
      devicePolicyDocument(arns),
    );
    expect(resource?.DeletionPolicy).toBe('Delete');
  });

  it("gives the provisioning role to AWS IoT only, with AWS's registration policy and nothing else", () => {
    const role = fixture.backend.stacks.provisioning.template.Resources[fixture.ids.provisioningRole];
    expect(fixture.resolver.resolve('provisioning', role?.Properties?.AssumeRolePolicyDocument)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'iot.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(fixture.resolver.resolve('provisioning', role?.Properties?.ManagedPolicyArns)).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSIoTThingsRegistration',
    ]);
    expect(rightsOf('provisioning', fixture.ids.provisioningRole)).toEqual([]);
  });

  it('lets only AWS IoT invoke the hook, for a provisioning template of this account', () => {
    const [permission] = Object.values(provisioning.findResources('AWS::Lambda::Permission'));
    expect(fixture.resolver.resolve('provisioning', permission?.Properties)).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: fixture.resolver.arn('function', fixture.ids.hook),
      Principal: 'iot.amazonaws.com',
      SourceAccount: environment.accountId,
      // AWS documents no exact SourceArn for the hook's invocation: any template of this account.
      SourceArn: arns.iot('provisioningtemplate/*'),
    });
    provisioning.resourceCountIs('AWS::Lambda::Permission', 1);
  });
});

describe('pre-provisioning hook', () => {
  it('answers within AWS IoT’s 5 s, with empty rules by default', () => {
    fn.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Timeout: Match.anyValue(),
      Environment: { Variables: Match.objectLike({ SERIAL_NUMBER_PATTERN: '', DENIED_SERIAL_NUMBERS: '' }) },
    });
    const timeout = fixture.backend.stacks.function.template.Resources[fixture.ids.hook]?.Properties?.Timeout;
    expect(timeout).toBeLessThanOrEqual(5);
  });

  it("is backend-definition's hook, bundled: the Lambda's own code decides with its environment", async () => {
    const asset = fixture.backend.lambdaAssets[fixture.ids.hook];
    expect(asset).toBeDefined();
    const bundle = (await import(pathToFileURL(join(asset ?? '', 'index.mjs')).href)) as {
      handler: (event: PreProvisioningHookEvent) => Promise<PreProvisioningHookAnswer>;
    };
    const saved = { pattern: process.env.SERIAL_NUMBER_PATTERN, denied: process.env.DENIED_SERIAL_NUMBERS };
    try {
      process.env.SERIAL_NUMBER_PATTERN = 'SN-[0-9]{4}';
      process.env.DENIED_SERIAL_NUMBERS = 'SN-0013';
      const decide = (serial: string) => bundle.handler({ parameters: { SerialNumber: serial } });
      expect(await decide('SN-0001')).toEqual({ allowProvisioning: true });
      expect(await decide('SN-0013')).toEqual({ allowProvisioning: false });
      expect(await decide('XX-0001')).toEqual({ allowProvisioning: false });
    } finally {
      restore('SERIAL_NUMBER_PATTERN', saved.pattern);
      restore('DENIED_SERIAL_NUMBERS', saved.denied);
    }
  });
});

describe('deploy inputs that the backend could not honour', () => {
  it('fail the synth (ampx) with a message naming the variable', async () => {
    const attempt = (environment: Record<string, string>) =>
      synthesizeBackend(mkdtempSync(join(outDir, 'bad-')), { identity, environment }).then(
        () => 'synthesized',
        (error: Error) => error.message,
      );
    const [pattern, retire] = await Promise.all([
      attempt({ SERIAL_NUMBER_PATTERN: 'SN-(' }),
      attempt({ RETIRE_REPLACED_CERTIFICATES: 'no' }),
    ]);
    expect(pattern).toMatch(/SERIAL_NUMBER_PATTERN "SN-\(" is not a regular expression/);
    expect(retire).toMatch(/RETIRE_REPLACED_CERTIFICATES is "no"; expected true or false/);
  }, 120_000);
});

describe('IAM', () => {
  it('has no statement that is unknown, a wildcard action, or broader than IAM allows', () => {
    expect(fixture.statements.length).toBeGreaterThan(10);
    expect(fixture.iamProblems()).toEqual([]);
  });

  it("gives the installers' role exactly installerPolicyDocument, clean-up included by default", () => {
    const rights = rightsOf('auth', fixture.ids.installersRole);
    expect(rights).toEqual(installerPolicyDocument(arns, fixture.templateName).Statement);
    // The station's own list of calls, not the policy's: nothing more, nothing less.
    expect([...new Set(rights.flatMap((statement) => listOf(statement.Action)))].sort()).toEqual(
      [...stationActions].sort(),
    );
    expect(roleProperties(fixture.ids.installersRole)?.ManagedPolicyArns).toBeUndefined();
  });

  it("gives the admins' and the authenticated role no rights at all", () => {
    for (const logicalId of [fixture.ids.adminsRole, fixture.ids.authenticatedRole]) {
      expect(rightsOf('auth', logicalId)).toEqual([]);
      expect(roleProperties(logicalId)?.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('catches what it is there to catch: planted wildcards and unknown statements fail', () => {
    const planted = structuredClone(fixture.backend);
    const { Resources } = planted.stacks.provisioning.template;
    const installers = statementsIn(Resources[fixture.ids.installersPolicy]?.Properties?.PolicyDocument);
    installers[0] = { ...installers[0], Action: 'iot:*' };
    installers.push({ Effect: 'Allow', Action: 'iot:DeleteThing', Resource: '*' });
    const device = statementsIn(Resources[fixture.ids.devicePolicy]?.Properties?.PolicyDocument);
    device.push({ Effect: 'Allow', Action: 'iot:Publish', Resource: 'arn:aws:iot:*:*:topic/*' });
    expect(fixtureOf(planted).iamProblems()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^wildcard action iot:\*: provisioning\/InstallersProvisioningPolicy/),
        expect.stringMatching(/^Resource \* for iot:DeleteThing, which IAM can scope/),
        expect.stringMatching(/^installers may iot:DeleteThing, which the station never calls/),
        expect.stringMatching(/^Resource arn:aws:iot:\*:\*:topic\/\* has a wildcard/),
        expect.stringMatching(/^not in backend-definition nor in the allowlist: provisioning\/DevicePolicy/),
      ]),
    );
  });
});

describe('custom outputs', () => {
  it('carry the real template name, the data endpoint, the installers group and the session length', () => {
    const outputs = JSON.parse(
      fixture.resolver.resolveString(
        'root',
        fixture.backend.stacks.root.template.Outputs?.customOutputs?.Value,
      ),
    );
    expect(outputs.custom.provisioningStation).toEqual({
      name: 'Sandbox alice (eu-west-1)',
      templateName: fixture.templateName,
      iotDataEndpoint: dataEndpoint,
      installersGroup: INSTALLERS_GROUP,
      refreshTokenValiditySeconds: 30 * 24 * 3600,
    });
    // …and the session length is the app client's.
    const client = fixture.backend.stacks.auth.template.Resources[fixture.ids.client]?.Properties;
    expect(client).toMatchObject({
      RefreshTokenValidity: 30 * 24 * 60,
      TokenValidityUnits: { RefreshToken: 'minutes' },
    });
  });

  it('make the amplify_outputs.json that Amplify writes configure the station completely', async () => {
    const outputs = await amplifyOutputsOf(fixture.backend, fixture.resolver);
    const parsed = profileFromAmplifyOutputs(outputs);
    expect(parsed).toEqual({
      ok: true,
      profile: {
        name: 'Sandbox alice (eu-west-1)',
        kind: 'aws',
        region: 'eu-west-1',
        cognito: {
          userPoolId: fixture.resolver.ref('auth', fixture.ids.userPool),
          userPoolClientId: fixture.resolver.ref('auth', fixture.ids.client),
          identityPoolId: fixture.resolver.ref('auth', fixture.ids.identityPool),
          installersGroup: INSTALLERS_GROUP,
          refreshTokenValiditySeconds: 30 * 24 * 3600,
        },
        iot: { dataEndpoint: `${dataEndpoint}:8883`, templateName: fixture.templateName },
      },
    });
    expect(outputs).toMatchObject({
      auth: {
        mfa_configuration: 'REQUIRED',
        mfa_methods: ['TOTP'],
        unauthenticated_identities_enabled: false,
      },
    });
  });
});

/** Every statement that applies to a role (inline or attached policies). */
function rightsOf(stack: 'auth' | 'provisioning', logicalId: string) {
  return statementsOfRole(fixture.statements, fixture.backend, fixture.resolver, { stack, logicalId });
}

function roleProperties(logicalId: string) {
  return fixture.backend.stacks.auth.template.Resources[logicalId]?.Properties;
}

function statementsIn(document: unknown): Array<Record<string, unknown>> {
  return (document as { Statement: Array<Record<string, unknown>> }).Statement;
}

function restore(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

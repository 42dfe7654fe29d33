import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import { resolveRole } from '../../../sandbox/cognito/role-mapping.js';
import { CognitoUserPool } from '../../../sandbox/cognito/user-pool.js';
import type { PolicyDocument } from '../../../sandbox/iam/iam-policy.js';
import { evaluatePolicies } from '../../../sandbox/iam/iam-policy-evaluator.js';
import { IotRegistry } from '../../../sandbox/iot/iot-registry.js';
import { parseProvisioningTemplate } from '../../../sandbox/iot/template/provisioning-template.js';
import { evaluateTemplate } from '../../../sandbox/iot/template/template-evaluator.js';
import {
  DEFAULT_MODEL,
  DEVICE_POLICY_NAME,
  installersRoleMapping,
  sandboxArns,
  sandboxRoles,
  seededUsers,
  seedSandbox,
  TEMPLATE_NAME,
  UNASSIGNED,
} from '../../../sandbox/orchestrator/sandbox-seed.js';

const region = 'eu-west-1';
const accountId = '123456789012';
const arns = sandboxArns(region, accountId);

async function services() {
  const clock = new ManualClock(Date.UTC(2026, 10, 26));
  const userPool = await CognitoUserPool.create({
    userPoolId: `${region}_SeedTest`,
    clients: [{ clientId: 'seedtestclient' }],
    clock,
  });
  const registry = new IotRegistry({ region, accountId, clock });
  return { userPool, registry, region, accountId };
}

describe('sandbox seed', () => {
  it('creates the users, group, template and policy once, and nothing on a second run', async () => {
    const input = await services();
    expect(seedSandbox(input).created).toEqual([
      'group installers',
      'user installer',
      'user visitor',
      'user mfa-installer',
      'user newhire',
      `policy ${DEVICE_POLICY_NAME}`,
      `template ${TEMPLATE_NAME}`,
    ]);
    expect(seedSandbox(input).created).toEqual([]);

    const { userPool, registry } = input;
    expect(userPool.describeUser('installer')).toMatchObject({ status: 'CONFIRMED', groups: ['installers'] });
    expect(userPool.describeUser('visitor')).toMatchObject({ status: 'CONFIRMED', groups: [] });
    expect(userPool.describeUser('newhire')).toMatchObject({ status: 'FORCE_CHANGE_PASSWORD' });
    expect(userPool.describeUser('mfa-installer')).toMatchObject({
      groups: ['installers'],
      softwareTokenMfa: 'enabled',
    });
    const template = registry.getTemplate(TEMPLATE_NAME);
    expect(template).toMatchObject({ enabled: true, type: 'FLEET_PROVISIONING' });
    const parsed = parseProvisioningTemplate(template?.templateBody);
    expect(Object.keys(parsed.parameters).sort()).toEqual([
      'AWS::IoT::Certificate::Id',
      'BatchId',
      'Model',
      'Operator',
      'SerialNumber',
      'StationId',
    ]);
    // Every attribute the Thing gets is a template parameter, and the optional ones have a Default.
    expect(
      evaluateTemplate(parsed, {
        parameters: { SerialNumber: 'SN-1' },
        certificateId: 'c'.repeat(64),
      }).thing?.attributes,
    ).toEqual({
      serialNumber: 'SN-1',
      model: DEFAULT_MODEL,
      batchId: UNASSIGNED,
      stationId: UNASSIGNED,
      operator: UNASSIGNED,
    });
    expect(registry.getPolicy(DEVICE_POLICY_NAME)?.policyDocument).toMatchObject({
      Statement: [
        { Action: 'iot:Connect', Resource: arns.iot('client/${iot:Connection.Thing.ThingName}') },
        {},
        {},
      ],
    });
  });

  it('keeps what users changed, and seeds only the parts asked for', async () => {
    const input = await services();
    seedSandbox({ ...input, options: { iot: false } });
    expect(input.registry.getTemplate(TEMPLATE_NAME)).toBeUndefined();
    input.userPool.removeUserFromGroup('visitor', 'installers');
    input.userPool.setUserPassword('installer', 'Changed-Passw0rd!', true);
    expect(seedSandbox(input).created).toEqual([`policy ${DEVICE_POLICY_NAME}`, `template ${TEMPLATE_NAME}`]);
    expect(input.userPool.describeUser('installer')?.status).toBe('CONFIRMED');
    expect(seededUsers.installer.password).toBe('Installer-Passw0rd!');
  });
});

describe('sandbox roles', () => {
  const [installer, signedIn] = sandboxRoles(region, accountId);
  const decide = (
    policies: readonly PolicyDocument[],
    action: string,
    resource: string,
    context?: Record<string, string>,
  ) => evaluatePolicies(policies, { action, resource, ...(context ? { context } : {}) });
  const certificateArn = arns.iot(`cert/${'a'.repeat(64)}`);

  it('lets installers claim on the one template and read the registry, nothing more', () => {
    const policies = installer?.policies ?? [];
    expect(decide(policies, 'iot:CreateProvisioningClaim', arns.template)).toBe('Allow');
    expect(decide(policies, 'iot:CreateProvisioningClaim', arns.iot('provisioningtemplate/Other'))).toBe(
      'ImplicitDeny',
    );
    for (const [action, resource] of [
      ['iot:DescribeThing', arns.iot('thing/SN-1')],
      ['iot:ListThingPrincipals', arns.iot('thing/SN-1')],
      ['iot:DescribeCertificate', arns.iot(`cert/${'a'.repeat(64)}`)],
      ['iot:DescribeProvisioningTemplate', arns.template],
      ['iot:ListThings', '*'],
      ['iot:DescribeEndpoint', '*'],
      ['iot:ListProvisioningTemplates', '*'],
    ] as const) {
      expect(decide(policies, action, resource), action).toBe('Allow');
    }
    expect(decide(policies, 'iot:CreateProvisioningTemplate', arns.template)).toBe('ImplicitDeny');
    expect(decide(policies, 'iot:DescribeProvisioningTemplate', arns.iot('provisioningtemplate/Other'))).toBe(
      'ImplicitDeny',
    );
    for (const action of [
      'iot:CreateThing',
      'iot:DeleteThing',
      'iot:AttachThingPrincipal',
      'iot:AttachPolicy',
    ]) {
      expect(decide(policies, action, arns.iot('thing/SN-1')), action).toBe('ImplicitDeny');
      expect(decide(policies, action, certificateArn), action).toBe('ImplicitDeny');
    }
    expect(decide(policies, 'iot:DeleteCertificate', certificateArn)).toBe('ImplicitDeny');
  });

  it('lets installers retire a replaced certificate: UpdateCertificate and DetachThingPrincipal on certificates', () => {
    const policies = installer?.policies ?? [];
    expect(decide(policies, 'iot:UpdateCertificate', certificateArn)).toBe('Allow');
    // AWS authorizes DetachThingPrincipal on the certificate, with the thing as iot:thingArn.
    expect(
      decide(policies, 'iot:DetachThingPrincipal', certificateArn, {
        'iot:thingArn': arns.iot('thing/SN-1'),
      }),
    ).toBe('Allow');
    expect(decide(policies, 'iot:DetachThingPrincipal', certificateArn)).toBe('ImplicitDeny');
    expect(
      decide(policies, 'iot:DetachThingPrincipal', certificateArn, {
        'iot:thingArn': 'arn:aws:iot:eu-west-1:999999999999:thing/SN-1',
      }),
    ).toBe('ImplicitDeny');
    expect(decide(policies, 'iot:UpdateCertificate', arns.iot('cacert/x'))).toBe('ImplicitDeny');
  });

  it('gives signed-in users who are not installers a role without IoT rights', () => {
    expect(signedIn?.roleArn).toBe(arns.signedInRole);
    expect(decide(signedIn?.policies ?? [], 'iot:CreateProvisioningClaim', arns.template)).toBe(
      'ImplicitDeny',
    );
    const mapping = installersRoleMapping(region, accountId);
    expect(
      resolveRole({
        mapping,
        claims: { 'cognito:groups': ['installers'] },
        authenticatedRoleArn: arns.signedInRole,
      }),
    ).toEqual({ outcome: 'role', roleArn: arns.installerRole, reason: 'rule' });
    expect(resolveRole({ mapping, claims: {}, authenticatedRoleArn: arns.signedInRole })).toEqual({
      outcome: 'role',
      roleArn: arns.signedInRole,
      reason: 'authenticated-role',
    });
  });
});

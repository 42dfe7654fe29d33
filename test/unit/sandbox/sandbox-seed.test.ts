import { describe, expect, it } from 'vitest';
import { dataEndpointLookupPolicyDocument } from '../../../backend-definition/data-endpoint-lookup-policy.js';
import { installerPolicyDocument } from '../../../backend-definition/installer-policy.js';
import { provisioningTemplateBody } from '../../../backend-definition/provisioning-template.js';
import { ManualClock } from '../../../sandbox/clock.js';
import { groupRoleClaims } from '../../../sandbox/cognito/group-role-claims.js';
import { resolveRole } from '../../../sandbox/cognito/role-mapping.js';
import { CognitoUserPool } from '../../../sandbox/cognito/user-pool.js';
import type { PolicyDocument } from '../../../sandbox/iam/iam-policy.js';
import { evaluatePolicies } from '../../../sandbox/iam/iam-policy-evaluator.js';
import { IotRegistry } from '../../../sandbox/iot/iot-registry.js';
import { parseProvisioningTemplate } from '../../../sandbox/iot/template/provisioning-template.js';
import { evaluateTemplate } from '../../../sandbox/iot/template/template-evaluator.js';
import {
  ADMINS_GROUP,
  DEFAULT_MODEL,
  DEVICE_POLICY_NAME,
  INSTALLERS_GROUP,
  sandboxArns,
  sandboxDevicePolicy,
  sandboxGroups,
  sandboxRoles,
  sandboxTemplate,
  seededUsers,
  seedSandbox,
  stationRoleMapping,
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
  it('creates the users, groups, template and policy once, and nothing on a second run', async () => {
    const input = await services();
    expect(seedSandbox(input)).toEqual({
      created: [
        'group installers',
        'group admins',
        'user installer',
        'user visitor',
        'user mfa-installer',
        'user newhire',
        `policy ${DEVICE_POLICY_NAME}`,
        `template ${TEMPLATE_NAME}`,
      ],
      updated: [],
    });
    expect(seedSandbox(input)).toEqual({ created: [], updated: [] });

    const { userPool, registry } = input;
    expect(userPool.describeUser('installer')).toMatchObject({ status: 'CONFIRMED', groups: ['installers'] });
    expect(userPool.describeUser('visitor')).toMatchObject({ status: 'CONFIRMED', groups: [] });
    expect(userPool.describeUser('newhire')).toMatchObject({ status: 'FORCE_CHANGE_PASSWORD' });
    expect(userPool.describeUser('mfa-installer')).toMatchObject({
      groups: ['installers'],
      softwareTokenMfa: 'enabled',
    });
    expect(userPool.listGroups()).toEqual([
      { groupName: ADMINS_GROUP, precedence: 2, roleArn: arns.adminRole, description: expect.any(String) },
      {
        groupName: INSTALLERS_GROUP,
        precedence: 1,
        roleArn: arns.installerRole,
        description: expect.any(String),
      },
    ]);
    const template = registry.getTemplate(TEMPLATE_NAME);
    expect(template).toMatchObject({
      enabled: true,
      type: 'FLEET_PROVISIONING',
      provisioningRoleArn: arns.provisioningRole,
      preProvisioningHook: { targetArn: arns.preProvisioningHook, payloadVersion: '2020-04-01' },
    });
    expect(JSON.parse(template?.templateBody ?? '')).toEqual(provisioningTemplateBody(DEVICE_POLICY_NAME));
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
    expect(seedSandbox(input)).toEqual({
      created: [`policy ${DEVICE_POLICY_NAME}`, `template ${TEMPLATE_NAME}`],
      updated: [],
    });
    expect(input.userPool.describeUser('installer')?.status).toBe('CONFIRMED');
    expect(seededUsers.installer.password).toBe('Installer-Passw0rd!');
  });

  it('brings what an older sandbox seeded back to the definition and keeps what people and devices made', async () => {
    const input = await services();
    const { userPool, registry } = input;
    // As an older sandbox left its data: one group, a template without hook and with an older body.
    userPool.createGroup({ groupName: INSTALLERS_GROUP, precedence: 5, roleArn: arns.installerRole });
    userPool.createUser({ username: 'installer', password: 'Changed-Passw0rd!' });
    userPool.addUserToGroup('installer', INSTALLERS_GROUP);
    const { Parameters, ...olderBody } = provisioningTemplateBody(DEVICE_POLICY_NAME);
    const { BatchId: _b, StationId: _s, Operator: _o, ...olderParameters } = Parameters;
    registry.createTemplate({
      templateName: TEMPLATE_NAME,
      templateBody: JSON.stringify({ ...olderBody, Parameters: olderParameters }),
      provisioningRoleArn: arns.provisioningRole,
      description: 'Provisioning Station sandbox',
      enabled: true,
    });
    registry.createPolicy(DEVICE_POLICY_NAME, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }],
    });
    registry.putThing({ thingName: 'SN-OLD', attributes: { serialNumber: 'SN-OLD' } });

    const report = seedSandbox(input);
    expect(report.updated).toEqual([
      `group ${INSTALLERS_GROUP}`,
      `policy ${DEVICE_POLICY_NAME}`,
      `template ${TEMPLATE_NAME} (body, description, pre-provisioning hook)`,
    ]);
    expect(report.created).toContain(`group ${ADMINS_GROUP}`);
    expect(report.created).not.toContain('user installer');
    expect(userPool.describeGroup(INSTALLERS_GROUP)).toMatchObject({
      precedence: 1,
      roleArn: arns.installerRole,
    });
    const template = registry.getTemplate(TEMPLATE_NAME);
    const wanted = sandboxTemplate(region, accountId);
    expect(template).toMatchObject({
      templateBody: wanted.templateBody,
      description: wanted.description,
      preProvisioningHook: wanted.preProvisioningHook,
      defaultVersionId: 2,
    });
    expect(registry.getPolicy(DEVICE_POLICY_NAME)).toMatchObject({
      policyDocument: sandboxDevicePolicy(region, accountId),
      defaultVersionId: '2',
    });
    // The user kept the password they chose, and the thing is still there.
    expect(userPool.describeUser('installer')).toMatchObject({ groups: [INSTALLERS_GROUP] });
    expect(registry.getThing('SN-OLD')).toBeDefined();
    expect(seedSandbox(input)).toEqual({ created: [], updated: [] });
  });

  it('leaves group memberships alone once a user exists: an installer taken out stays out', async () => {
    const input = await services();
    seedSandbox(input);
    input.userPool.removeUserFromGroup('mfa-installer', INSTALLERS_GROUP);
    input.userPool.addUserToGroup('visitor', ADMINS_GROUP);
    expect(seedSandbox(input)).toEqual({ created: [], updated: [] });
    expect(input.userPool.describeUser('mfa-installer')).toMatchObject({ groups: [] });
    expect(input.userPool.describeUser('visitor')).toMatchObject({ groups: [ADMINS_GROUP] });
    expect(input.userPool.describeUser('installer')).toMatchObject({ groups: [INSTALLERS_GROUP] });
  });
});

describe('sandbox roles', () => {
  const [installer, admin, signedIn, endpointLookup] = sandboxRoles(region, accountId);

  it('are one role per group plus the signed-in role; the installers role holds exactly the definition’s policy', () => {
    expect(sandboxRoles(region, accountId).map((role) => role.roleArn)).toEqual([
      arns.installerRole,
      arns.adminRole,
      arns.signedInRole,
      arns.dataEndpointLookupRole,
    ]);
    expect(installer?.policies).toEqual([installerPolicyDocument({ iot: arns.iot }, TEMPLATE_NAME)]);
    expect(endpointLookup?.policies).toEqual([dataEndpointLookupPolicyDocument()]);
    expect(admin?.policies).toEqual([]);
    expect(signedIn?.policies).toEqual([]);
  });

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
      ['iot:ListProvisioningTemplates', '*'],
    ] as const) {
      expect(decide(policies, action, resource), action).toBe('Allow');
    }
    // The station never lists things or asks for the endpoint (its profile has it).
    for (const action of ['iot:ListThings', 'iot:DescribeEndpoint']) {
      expect(decide(policies, action, '*'), action).toBe('ImplicitDeny');
      expect(decide(endpointLookup?.policies ?? [], action, '*'), action).toBe(
        action === 'iot:DescribeEndpoint' ? 'Allow' : 'ImplicitDeny',
      );
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
    for (const role of [admin, signedIn]) {
      expect(decide(role?.policies ?? [], 'iot:CreateProvisioningClaim', arns.template)).toBe('ImplicitDeny');
    }
  });

  it('maps roles from the ID token: the preferred role of the groups, else the signed-in role', () => {
    const mapping = stationRoleMapping();
    expect(mapping).toEqual({ Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' });
    const groups = sandboxGroups(region, accountId);
    const roleOf = (...names: string[]) =>
      resolveRole({
        mapping,
        claims: { ...groupRoleClaims(groups.filter((group) => names.includes(group.groupName))) },
        authenticatedRoleArn: arns.signedInRole,
      });
    expect(roleOf(INSTALLERS_GROUP)).toEqual({
      outcome: 'role',
      roleArn: arns.installerRole,
      reason: 'preferred-role',
    });
    expect(roleOf(ADMINS_GROUP)).toMatchObject({ roleArn: arns.adminRole });
    // Installers win by precedence when someone is in both.
    expect(roleOf(INSTALLERS_GROUP, ADMINS_GROUP)).toMatchObject({ roleArn: arns.installerRole });
    expect(roleOf()).toEqual({ outcome: 'role', roleArn: arns.signedInRole, reason: 'authenticated-role' });
  });
});

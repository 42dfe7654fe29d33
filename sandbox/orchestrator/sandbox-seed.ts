import type { RoleMapping } from '../cognito/role-mapping.js';
import type { CognitoUserPool } from '../cognito/user-pool.js';
import type { PolicyDocument, RoleDefinition } from '../iam/iam-policy.js';
import type { IotRegistry } from '../iot/iot-registry.js';

/**
 * What a fresh sandbox holds: the station's users and groups, the roles the identity pool hands out,
 * the provisioning template and the device policy. Everything here is sandbox-only and documented
 * in sandbox/README.md — the passwords and the TOTP secret are fixed on purpose so that people and
 * tests can sign in without reading them from a log.
 */

export const INSTALLERS_GROUP = 'installers';
export const TEMPLATE_NAME = 'TrustedUserProvisioningTemplate';
export const DEVICE_POLICY_NAME = 'StationDevicePolicy';
/** The `Model` template parameter's Default, used when the station sends no model. */
export const DEFAULT_MODEL = 'generic';
/** Default of the `BatchId`, `StationId` and `Operator` parameters when a device provisions without a station. */
export const UNASSIGNED = 'unassigned';

export const seededUsers = {
  /** In `installers`: may create claims and read the registry. */
  installer: { username: 'installer', password: 'Installer-Passw0rd!' },
  /** Signed in but not an installer: gets the signed-in role, which grants no IoT rights. */
  visitor: { username: 'visitor', password: 'Visitor-Passw0rd!' },
  /** Has only a temporary password: Cognito answers NEW_PASSWORD_REQUIRED at first sign-in. */
  newhire: { username: 'newhire', temporaryPassword: 'Newhire-Temp0rary!' },
  /** An installer who must give a TOTP code (SOFTWARE_TOKEN_MFA) after the password. */
  mfaInstaller: {
    username: 'mfa-installer',
    password: 'MfaInstaller-Passw0rd!',
    /** Base32; add it to any authenticator app, or `npx tsx sandbox/sandbox-cli.ts totp`. */
    totpSecret: 'SANDBOXMFAINSTALLERTOTPSECRETAAA',
  },
} as const;

export type SeededUsers = typeof seededUsers;

/** IAM names, all in the sandbox account. */
export function sandboxArns(region: string, accountId: string) {
  const iot = (resource: string) => `arn:aws:iot:${region}:${accountId}:${resource}`;
  return {
    installerRole: `arn:aws:iam::${accountId}:role/StationInstaller`,
    signedInRole: `arn:aws:iam::${accountId}:role/StationSignedIn`,
    provisioningRole: `arn:aws:iam::${accountId}:role/StationProvisioningRole`,
    template: iot(`provisioningtemplate/${TEMPLATE_NAME}`),
    iot,
  };
}

/**
 * The roles the identity pool can hand out. The installer role is what an AWS account for the
 * station would grant, exactly the calls the station makes and each on the narrowest resource IAM
 * lets it name (Service Authorization Reference, "Actions defined by AWS IoT"): claims and the
 * template read on the one template; the registry reads of verification; UpdateCertificate and
 * DetachThingPrincipal to retire the certificate a re-provision replaced (DetachThingPrincipal is
 * authorized on the certificate, with the thing as condition key `iot:thingArn`); and the list calls
 * that support no resource-level permission on `*`. The signed-in role (everyone else, e.g.
 * `visitor`) has no policy at all, so every IoT call ends in AccessDeniedException — the sandbox
 * documents this choice rather than refusing credentials.
 */
export function sandboxRoles(region: string, accountId: string): RoleDefinition[] {
  const arns = sandboxArns(region, accountId);
  return [
    {
      roleArn: arns.installerRole,
      policies: [
        {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['iot:CreateProvisioningClaim', 'iot:DescribeProvisioningTemplate'],
              Resource: arns.template,
            },
            {
              Effect: 'Allow',
              Action: ['iot:DescribeThing', 'iot:ListThingPrincipals'],
              Resource: arns.iot('thing/*'),
            },
            {
              Effect: 'Allow',
              Action: ['iot:DescribeCertificate', 'iot:UpdateCertificate'],
              Resource: arns.iot('cert/*'),
            },
            {
              Effect: 'Allow',
              Action: 'iot:DetachThingPrincipal',
              Resource: arns.iot('cert/*'),
              Condition: { StringLike: { 'iot:thingArn': arns.iot('thing/*') } },
            },
            // None of these supports resource-level permissions in AWS.
            {
              Effect: 'Allow',
              Action: ['iot:ListProvisioningTemplates', 'iot:ListThings', 'iot:DescribeEndpoint'],
              Resource: '*',
            },
          ],
        },
      ],
    },
    { roleArn: arns.signedInRole, policies: [] },
  ];
}

/** Identity pool role mapping for the station's app client: installers by group, everyone else signed-in. */
export function installersRoleMapping(region: string, accountId: string): RoleMapping {
  return {
    Type: 'Rules',
    AmbiguousRoleResolution: 'AuthenticatedRole',
    RulesConfiguration: {
      Rules: [
        {
          Claim: 'cognito:groups',
          MatchType: 'Contains',
          Value: INSTALLERS_GROUP,
          RoleARN: sandboxArns(region, accountId).installerRole,
        },
      ],
    },
  };
}

/**
 * Fleet Provisioning template: the Thing is named after the serial number the station passes, the
 * certificate the device just created is activated, and the device policy is attached. The Thing's
 * attributes record which batch, station and operator made it, so the registry itself can answer
 * that; a device provisioned without a station gets `unassigned` (attribute values must match AWS's
 * AttributeValue pattern, which `unassigned` and the station's ids do).
 */
export const provisioningTemplateBody = {
  Parameters: {
    SerialNumber: { Type: 'String' },
    Model: { Type: 'String', Default: DEFAULT_MODEL },
    BatchId: { Type: 'String', Default: UNASSIGNED },
    StationId: { Type: 'String', Default: UNASSIGNED },
    Operator: { Type: 'String', Default: UNASSIGNED },
    'AWS::IoT::Certificate::Id': { Type: 'String' },
  },
  Resources: {
    thing: {
      Type: 'AWS::IoT::Thing',
      Properties: {
        ThingName: { Ref: 'SerialNumber' },
        AttributePayload: {
          serialNumber: { Ref: 'SerialNumber' },
          model: { Ref: 'Model' },
          batchId: { Ref: 'BatchId' },
          stationId: { Ref: 'StationId' },
          operator: { Ref: 'Operator' },
        },
      },
      // Re-provisioning a repaired device keeps its thing and refreshes its attributes.
      OverrideSettings: { AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'DO_NOTHING' },
    },
    certificate: {
      Type: 'AWS::IoT::Certificate',
      Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
    },
    policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: DEVICE_POLICY_NAME } },
  },
  DeviceConfiguration: {},
};

/** A provisioned device may connect as its thing name and use only its own `devices/{thing}/…` topics. */
export function devicePolicyDocument(region: string, accountId: string): PolicyDocument {
  const { iot } = sandboxArns(region, accountId);
  const thing = '${iot:Connection.Thing.ThingName}';
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: iot(`client/${thing}`) },
      { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: iot(`topic/devices/${thing}/*`) },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: iot(`topicfilter/devices/${thing}/*`) },
    ],
  };
}

export interface SeedOptions {
  /** The four users and the installers group (default true). */
  users?: boolean;
  /** The provisioning template and the device policy (default true). */
  iot?: boolean;
}

export interface SeedReport {
  /** Names of what this run created; empty when everything was already there. */
  created: string[];
}

/**
 * Creates whatever of the seed is missing and leaves everything else alone, so a restart on the same
 * data directory keeps users who changed their password, things that were provisioned, and so on.
 */
export function seedSandbox(input: {
  userPool: CognitoUserPool;
  registry: IotRegistry;
  region: string;
  accountId: string;
  options?: SeedOptions;
}): SeedReport {
  const { userPool, registry, region, accountId } = input;
  const created: string[] = [];
  const arns = sandboxArns(region, accountId);
  if (input.options?.users !== false) {
    if (!userPool.hasGroup(INSTALLERS_GROUP)) {
      userPool.createGroup({
        groupName: INSTALLERS_GROUP,
        precedence: 1,
        roleArn: arns.installerRole,
        description: 'May provision devices',
      });
      created.push(`group ${INSTALLERS_GROUP}`);
    }
    const { installer, visitor, newhire, mfaInstaller } = seededUsers;
    for (const user of [installer, visitor, mfaInstaller]) {
      if (userPool.describeUser(user.username)) continue;
      userPool.createUser({ username: user.username, password: user.password });
      created.push(`user ${user.username}`);
    }
    for (const user of [installer, mfaInstaller]) userPool.addUserToGroup(user.username, INSTALLERS_GROUP);
    const mfaUser = userPool.describeUser(mfaInstaller.username);
    if (mfaUser?.softwareTokenMfa === 'none') {
      userPool.enableSoftwareTokenMfa(mfaInstaller.username, mfaInstaller.totpSecret);
    }
    const hire = userPool.describeUser(newhire.username);
    if (!hire) {
      userPool.createUser({ username: newhire.username, temporaryPassword: newhire.temporaryPassword });
      created.push(`user ${newhire.username}`);
    } else if (hire.status === 'FORCE_CHANGE_PASSWORD') {
      // Temporary passwords expire after 7 days; a restart gives a long-lived data dir a fresh one.
      userPool.setUserPassword(newhire.username, newhire.temporaryPassword, false);
    }
  }
  if (input.options?.iot !== false) {
    if (!registry.getPolicy(DEVICE_POLICY_NAME)) {
      registry.createPolicy(DEVICE_POLICY_NAME, devicePolicyDocument(region, accountId));
      created.push(`policy ${DEVICE_POLICY_NAME}`);
    }
    if (!registry.getTemplate(TEMPLATE_NAME)) {
      registry.createTemplate({
        templateName: TEMPLATE_NAME,
        templateBody: JSON.stringify(provisioningTemplateBody),
        provisioningRoleArn: arns.provisioningRole,
        description:
          'Provisioning Station sandbox: Thing named by serial number with batch, station and operator attributes, ACTIVE certificate, device policy',
        enabled: true,
      });
      created.push(`template ${TEMPLATE_NAME}`);
    }
  }
  return { created };
}

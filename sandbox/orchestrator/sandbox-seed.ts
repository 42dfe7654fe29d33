import { dataEndpointLookupPolicyDocument } from '../../backend-definition/data-endpoint-lookup-policy.js';
import { devicePolicyDocument } from '../../backend-definition/device-policy.js';
import { installerPolicyDocument } from '../../backend-definition/installer-policy.js';
import {
  ADMINS_GROUP,
  DEVICE_POLICY_NAME,
  groupPrecedence,
  INSTALLERS_GROUP,
  PRE_PROVISIONING_HOOK_NAME,
  PRE_PROVISIONING_HOOK_PAYLOAD_VERSION,
  TEMPLATE_NAME,
} from '../../backend-definition/names.js';
import type { ArnBuilder } from '../../backend-definition/policy-document.js';
import {
  provisioningTemplateBody,
  provisioningTemplateDescription,
} from '../../backend-definition/provisioning-template.js';
import type { RoleMapping } from '../cognito/role-mapping.js';
import type { CognitoUserPool, SeedGroupInput } from '../cognito/user-pool.js';
import type { RoleDefinition } from '../iam/iam-policy.js';
import type { CreateTemplateInput, IotRegistry } from '../iot/iot-registry.js';
import type { ProvisioningTemplateRecord } from '../iot/registry-model.js';

/**
 * What a sandbox holds, built from backend-definition/ — the same definition the Amplify backend
 * (amplify/) deploys — so groups, roles, role mapping, template, hook and device policy are what a
 * real deployment has. Only the names AWS would generate (role and function names) are the
 * sandbox's own. The users are sandbox-only conveniences, documented in sandbox/README.md: their
 * passwords and the TOTP secret are fixed on purpose so that people and tests can sign in without
 * reading them from a log.
 */

export {
  ADMINS_GROUP,
  DEFAULT_MODEL,
  DEVICE_POLICY_NAME,
  INSTALLERS_GROUP,
  TEMPLATE_NAME,
  UNASSIGNED,
} from '../../backend-definition/names.js';

export const seededUsers = {
  /** In `installers`: may create claims and read the registry. */
  installer: { username: 'installer', password: 'Installer-Passw0rd!' },
  /** Signed in but in no group: gets the signed-in role, which grants no IoT rights. */
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

/** ARNs in the sandbox account. Amplify generates its role names; the sandbox gives them fixed ones. */
export function sandboxArns(region: string, accountId: string) {
  const iot = (resource: string) => `arn:aws:iot:${region}:${accountId}:${resource}`;
  const role = (name: string) => `arn:aws:iam::${accountId}:role/${name}`;
  return {
    /** The `installers` group's role. */
    installerRole: role('StationInstaller'),
    /** The `admins` group's role: one role per group, as Amplify makes them, with no IoT rights. */
    adminRole: role('StationAdmin'),
    /** The identity pool's authenticated role: a signed-in user in no group. */
    signedInRole: role('StationSignedIn'),
    provisioningRole: role('StationProvisioningRole'),
    /**
     * The deploy-time endpoint lookup's role (amplify/provisioning/iot-data-endpoint.ts): may call
     * DescribeEndpoint, which installers may not. No identity pool hands it out; tests issue it.
     */
    dataEndpointLookupRole: role('StationDataEndpointLookup'),
    template: iot(`provisioningtemplate/${TEMPLATE_NAME}`),
    /** The pre-provisioning hook "Lambda"; the sandbox runs backend-definition/pre-provisioning-hook.ts for it. */
    preProvisioningHook: `arn:aws:lambda:${region}:${accountId}:function:${PRE_PROVISIONING_HOOK_NAME}`,
    iot,
  };
}

export type SandboxArns = ReturnType<typeof sandboxArns>;

function arnBuilder(arns: SandboxArns): ArnBuilder {
  return { iot: arns.iot };
}

/** The user pool groups: names and precedence from the definition, each with its own role. */
export function sandboxGroups(region: string, accountId: string): Required<SeedGroupInput>[] {
  const arns = sandboxArns(region, accountId);
  return [
    {
      groupName: INSTALLERS_GROUP,
      precedence: groupPrecedence[INSTALLERS_GROUP],
      roleArn: arns.installerRole,
      description: 'May provision devices',
    },
    {
      groupName: ADMINS_GROUP,
      precedence: groupPrecedence[ADMINS_GROUP],
      roleArn: arns.adminRole,
      description: 'Manages operators; no IoT rights',
    },
  ];
}

/**
 * The roles the identity pool can hand out and the IoT control plane authorizes. The installers'
 * role has exactly the definition's installer policy; the endpoint lookup's role the definition's
 * lookup policy. The admins' role and the signed-in role have no policy, so every IoT call ends in AccessDeniedException — the sandbox documents this choice
 * rather than refusing credentials.
 */
export function sandboxRoles(region: string, accountId: string): RoleDefinition[] {
  const arns = sandboxArns(region, accountId);
  return [
    { roleArn: arns.installerRole, policies: [installerPolicyDocument(arnBuilder(arns), TEMPLATE_NAME)] },
    { roleArn: arns.adminRole, policies: [] },
    { roleArn: arns.signedInRole, policies: [] },
    { roleArn: arns.dataEndpointLookupRole, policies: [dataEndpointLookupPolicyDocument()] },
  ];
}

/**
 * The identity pool's role mapping for the station's app client, as Amplify makes it: the role comes
 * from the ID token (the preferred role of the user's groups); a user in no group gets the pool's
 * authenticated role.
 */
export function stationRoleMapping(): RoleMapping {
  return { Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' };
}

/** The provisioning template with its hook, as CreateProvisioningTemplate would be called. */
export function sandboxTemplate(region: string, accountId: string) {
  const arns = sandboxArns(region, accountId);
  return {
    templateName: TEMPLATE_NAME,
    templateBody: JSON.stringify(provisioningTemplateBody(DEVICE_POLICY_NAME)),
    provisioningRoleArn: arns.provisioningRole,
    description: provisioningTemplateDescription,
    enabled: true,
    preProvisioningHook: {
      targetArn: arns.preProvisioningHook,
      payloadVersion: PRE_PROVISIONING_HOOK_PAYLOAD_VERSION,
    },
    type: 'FLEET_PROVISIONING',
  } satisfies CreateTemplateInput;
}

export function sandboxDevicePolicy(region: string, accountId: string) {
  return devicePolicyDocument(arnBuilder(sandboxArns(region, accountId)));
}

export interface SeedOptions {
  /** The four users and the groups (default true). */
  users?: boolean;
  /** The provisioning template and the device policy (default true). */
  iot?: boolean;
}

export interface SeedReport {
  /** Names of what this run created; empty when everything was already there. */
  created: string[];
  /** What this run brought back to the definition (a data dir from an older sandbox, or edited since). */
  updated: string[];
}

/**
 * Creates whatever of the seed is missing, and brings what the definition owns back to it, as a
 * redeploy of the Amplify backend would: the groups' precedence and roles, the template (body, role,
 * description, enabled, hook) and the device policy. What people and devices made is left alone —
 * users and their passwords, group memberships, things, certificates — so a restart on the same data
 * directory keeps them.
 */
export function seedSandbox(input: {
  userPool: CognitoUserPool;
  registry: IotRegistry;
  region: string;
  accountId: string;
  options?: SeedOptions;
}): SeedReport {
  const { userPool, registry, region, accountId } = input;
  const report: SeedReport = { created: [], updated: [] };
  if (input.options?.users !== false) seedUsers(userPool, region, accountId, report);
  if (input.options?.iot !== false) seedIot(registry, region, accountId, report);
  return report;
}

function seedUsers(userPool: CognitoUserPool, region: string, accountId: string, report: SeedReport): void {
  for (const group of sandboxGroups(region, accountId)) {
    const existing = userPool.describeGroup(group.groupName);
    if (!existing) {
      userPool.createGroup(group);
      report.created.push(`group ${group.groupName}`);
    } else if (existing.precedence !== group.precedence || existing.roleArn !== group.roleArn) {
      userPool.updateGroup(group);
      report.updated.push(`group ${group.groupName}`);
    }
  }
  const { installer, visitor, newhire, mfaInstaller } = seededUsers;
  for (const user of [installer, visitor, mfaInstaller]) {
    if (userPool.describeUser(user.username)) continue;
    userPool.createUser({ username: user.username, password: user.password });
    report.created.push(`user ${user.username}`);
    // Memberships are people's to change: set once, when the user is created, never again.
    if (user !== visitor) userPool.addUserToGroup(user.username, INSTALLERS_GROUP);
  }
  const mfaUser = userPool.describeUser(mfaInstaller.username);
  if (mfaUser?.softwareTokenMfa === 'none') {
    userPool.enableSoftwareTokenMfa(mfaInstaller.username, mfaInstaller.totpSecret);
  }
  const hire = userPool.describeUser(newhire.username);
  if (!hire) {
    userPool.createUser({ username: newhire.username, temporaryPassword: newhire.temporaryPassword });
    report.created.push(`user ${newhire.username}`);
  } else if (hire.status === 'FORCE_CHANGE_PASSWORD') {
    // Temporary passwords expire after 7 days; a restart gives a long-lived data dir a fresh one.
    userPool.setUserPassword(newhire.username, newhire.temporaryPassword, false);
  }
}

function seedIot(registry: IotRegistry, region: string, accountId: string, report: SeedReport): void {
  const policy = sandboxDevicePolicy(region, accountId);
  const storedPolicy = registry.getPolicy(DEVICE_POLICY_NAME);
  if (!storedPolicy) {
    registry.createPolicy(DEVICE_POLICY_NAME, policy);
    report.created.push(`policy ${DEVICE_POLICY_NAME}`);
  } else if (!sameJson(storedPolicy.policyDocument, policy)) {
    registry.createPolicyVersion(DEVICE_POLICY_NAME, policy);
    report.updated.push(`policy ${DEVICE_POLICY_NAME}`);
  }

  const template = sandboxTemplate(region, accountId);
  const stored = registry.getTemplate(TEMPLATE_NAME);
  if (!stored) {
    registry.createTemplate(template);
    report.created.push(`template ${TEMPLATE_NAME}`);
    return;
  }
  const changed = templateDifferences(stored, template);
  if (changed.length === 0) return;
  if (changed.includes('body')) registry.createTemplateVersion(TEMPLATE_NAME, template.templateBody);
  registry.updateTemplate(TEMPLATE_NAME, {
    description: template.description,
    enabled: template.enabled,
    provisioningRoleArn: template.provisioningRoleArn,
    preProvisioningHook: template.preProvisioningHook,
  });
  report.updated.push(`template ${TEMPLATE_NAME} (${changed.join(', ')})`);
}

/** Which parts of a stored template differ from the definition's. */
function templateDifferences(
  stored: ProvisioningTemplateRecord,
  wanted: ReturnType<typeof sandboxTemplate>,
): string[] {
  const changed: string[] = [];
  if (!sameJson(parseJson(stored.templateBody), parseJson(wanted.templateBody))) changed.push('body');
  if (stored.provisioningRoleArn !== wanted.provisioningRoleArn) changed.push('provisioning role');
  if (stored.description !== wanted.description) changed.push('description');
  if (stored.enabled !== wanted.enabled) changed.push('enabled');
  if (
    stored.preProvisioningHook?.targetArn !== wanted.preProvisioningHook.targetArn ||
    stored.preProvisioningHook.payloadVersion !== wanted.preProvisioningHook.payloadVersion
  ) {
    changed.push('pre-provisioning hook');
  }
  return changed;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Equal as JSON values, whatever the order of object keys. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, item]) => [key, canonical(item)]),
    );
  }
  return value;
}

import { CognitoIdentityClient, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DescribeProvisioningTemplateCommand, IoTClient } from '@aws-sdk/client-iot';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideProvisioning } from '../../../backend-definition/pre-provisioning-hook.js';
import { userPoolPolicy } from '../../../backend-definition/user-pool-policy.js';
import type { RoleDefinition } from '../../../sandbox/iam/iam-policy.js';
import { signInWithPassword } from '../../../sandbox/orchestrator/installer-claim.js';
import {
  DEVICE_POLICY_NAME,
  seededUsers,
  TEMPLATE_NAME,
} from '../../../sandbox/orchestrator/sandbox-seed.js';
import {
  APP_CLIENT_ID,
  startSandbox,
  type RunningSandbox,
} from '../../../sandbox/orchestrator/start-sandbox.js';
import { cloudFormationResolver, type CloudFormationResolver } from '../../support/resolve-cloudformation.js';
import {
  repositoryRoot,
  synthesizeBackend,
  type CloudFormationResource,
  type StackRole,
  type SynthesizedBackend,
} from '../../support/synthesize-backend.js';

/**
 * The sandbox seeds what the Amplify backend deploys. The backend (amplify/) is synthesized offline
 * and its tokens resolved as a deploy into the sandbox's partition, region and account would
 * resolve them, with the sandbox's names for what AWS or the backend names (roles, pools, the
 * template, the device policy, the hook function). The sandbox side is read back from a started
 * sandbox — its control plane, registry, user pool, identity pool and the roles its control plane
 * authorizes with — never from backend-definition/. A change to either side alone fails here.
 */

const scratch = mkdtempSync(join(tmpdir(), 'seed-matches-backend-'));
let backend: SynthesizedBackend;
let sandbox: RunningSandbox;
let amplify: AmplifySide;
let seeded: SandboxSide;

beforeAll(async () => {
  [backend, sandbox] = await Promise.all([
    synthesizeBackend(join(scratch, 'cdk.out')),
    // Rules given, so the hook function's environment shows the variables it reads.
    startSandbox({ serialNumberRules: { pattern: 'SN-[0-9]+', denied: ['SN-0'] } }),
  ]);
  console.log(`amplify/backend.ts synthesized in ${backend.durationMs} ms`);
  seeded = await readSandbox(sandbox);
  amplify = readBackend(backend, sandbox);
}, 180_000);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the sandbox seed and the synthesized Amplify backend', () => {
  it('have the same provisioning template: body, description, enabled, type and hook', () => {
    expect(seeded.template).toEqual(amplify.template);
  });

  it('have the same device policy document', () => {
    expect(seeded.devicePolicy).toEqual(amplify.devicePolicy);
  });

  it('give the installers’ role the same permissions', () => {
    expect(seeded.installersPermissions.length).toBeGreaterThan(0);
    expect(seeded.installersPermissions).toEqual(amplify.installersPermissions);
  });

  it('have the same groups: names, precedence, a role of their own and its permissions', () => {
    expect(seeded.groups).toEqual(amplify.groups);
  });

  it('map roles from the token the same way, with the same signed-in role', () => {
    expect(seeded.identityPool).toEqual(amplify.identityPool);
  });

  it('point the hook at a function whose code is backend-definition/pre-provisioning-hook.ts', () => {
    // The Lambda's bundle is built from that file alone, as it is in the repository now…
    expect(amplify.hookFunction.code).toEqual(['backend-definition/pre-provisioning-hook.ts']);
    // …and the sandbox's hook runs that file's decision function itself, not a copy.
    const sandboxHook = sandbox.functions.find((fn) => fn.functionArn === sandbox.arns.preProvisioningHook);
    expect(sandboxHook?.decide).toBe(decideProvisioning);
    expect(seeded.hookFunction.environmentNames).toEqual(amplify.hookFunction.environmentNames);
  });

  it("deploy backend-definition's user pool policy, which the sandbox honours but for its listed exceptions", () => {
    expect(amplify.userPool).toEqual(userPoolPolicy);
    expect(seeded.userPool).toEqual({ ...amplify.userPool, ...sandboxUserPoolExceptions });
  });
});

/**
 * Where the sandbox's user pool differs from a deployment's, on purpose; everything else in
 * userPoolPolicy it honours (checked through its APIs above). Keep this list short and said in
 * sandbox/README.md.
 */
const sandboxUserPoolExceptions: Partial<UserPoolView> = {
  // MFA OPTIONAL: the seeded demo users sign in with a password alone; mfa-installer (TOTP enrolled)
  // shows the TOTP step. A deployment requires TOTP of every operator.
  mfa: 'OPTIONAL',
  // The sandbox signs in by username only (its seeded users have no email address to alias).
  signInAliases: [],
};

// ------------------------------------------------------------------ the two sides, in one shape

interface TemplateView {
  body: unknown;
  description: string | undefined;
  enabled: boolean | undefined;
  type: string | undefined;
  preProvisioningHook: { targetArn: string | undefined; payloadVersion: string | undefined } | undefined;
}

interface GroupView {
  groupName: string;
  precedence: number | undefined;
  /** The group's role is its own: no other group's and not the signed-in role. */
  ownRole: boolean;
  permissions: string[];
}

interface IdentityPoolView {
  /** Identity provider (`cognito-idp.{region}.amazonaws.com/{pool}:{client}`) → mapping. */
  roleMappings: Record<string, { Type: string; AmbiguousRoleResolution: string | undefined }>;
  /** Which roles the pool has (`authenticated`, `unauthenticated`) and what each may do. */
  roles: Record<string, string[]>;
}

interface FunctionView {
  /** Repository-relative paths of the code it runs (what the bundle was built from). */
  code: string[];
  /** The environment variables it reads (Amplify's own shim variable left out). */
  environmentNames: string[];
}

/** The settings of userPoolPolicy, as each side has them. */
interface UserPoolView {
  mfa: string;
  totp: boolean;
  signInAliases: readonly string[];
  adminCreateUserOnly: boolean;
  guestAccess: boolean;
}

interface SideView {
  userPool: UserPoolView;
  template: TemplateView;
  devicePolicy: unknown;
  installersPermissions: string[];
  groups: GroupView[];
  identityPool: IdentityPoolView;
  hookFunction: FunctionView;
}
type SandboxSide = SideView;
type AmplifySide = SideView;

// ------------------------------------------------------------------ the sandbox, through its APIs

async function readSandbox(running: RunningSandbox): Promise<SandboxSide> {
  const { profile } = running;
  // The installer's own credentials read the template through the control plane, as the station does.
  const { credentials } = await signInWithPassword(profile, seededUsers.installer);
  const iot = new IoTClient({
    region: profile.region,
    ...(profile.iot.controlPlaneEndpoint ? { endpoint: profile.iot.controlPlaneEndpoint } : {}),
    credentials,
  });
  let described;
  try {
    described = await iot.send(new DescribeProvisioningTemplateCommand({ templateName: TEMPLATE_NAME }));
  } finally {
    iot.destroy();
  }
  const hook = described.preProvisioningHook;

  const roles = running.roles;
  const pool = running.identityPool.identityPoolRoles();
  const groups = running.userPool.listGroups();
  const roleUse = (roleArn: string | undefined) =>
    groups.filter((group) => group.roleArn === roleArn).length +
    (roleArn === pool.Roles.authenticated ? 1 : 0);

  const hookFunction = running.functions.find((fn) => fn.functionArn === hook?.targetArn);
  return {
    userPool: await sandboxUserPool(running),
    template: {
      body: JSON.parse(described.templateBody ?? 'null') as unknown,
      description: described.description,
      enabled: described.enabled,
      type: described.type,
      preProvisioningHook: hook && { targetArn: hook.targetArn, payloadVersion: hook.payloadVersion },
    },
    devicePolicy: running.registry.getPolicy(DEVICE_POLICY_NAME)?.policyDocument,
    installersPermissions: permissionsOfRole(roles, running.arns.installerRole),
    groups: groups.map((group) => ({
      groupName: group.groupName,
      precedence: group.precedence,
      ownRole: group.roleArn !== undefined && roleUse(group.roleArn) === 1,
      permissions: permissionsOfRole(roles, group.roleArn),
    })),
    identityPool: {
      roleMappings: Object.fromEntries(
        Object.entries(pool.RoleMappings).map(([provider, mapping]) => [
          provider,
          { Type: mapping.Type, AmbiguousRoleResolution: mapping.AmbiguousRoleResolution },
        ]),
      ),
      roles: Object.fromEntries(
        Object.entries(pool.Roles).map(([kind, roleArn]) => [kind, permissionsOfRole(roles, roleArn)]),
      ),
    },
    hookFunction: {
      // The path it names; what it runs is checked as the very function object (see the test).
      code: hookFunction ? [hookFunction.code] : [],
      environmentNames: Object.keys(hookFunction?.environment ?? {}).sort(),
    },
  };
}

/** The sandbox's user pool settings, asked of its APIs as a client would find them out. */
async function sandboxUserPool(running: RunningSandbox): Promise<UserPoolView> {
  const { profile } = running;
  const endpoint = profile.cognito.userPoolEndpoint ?? '';
  const idp = new CognitoIdentityProviderClient({ region: profile.region, endpoint, maxAttempts: 1 });
  const identity = new CognitoIdentityClient({
    region: profile.region,
    endpoint: profile.cognito.identityPoolEndpoint ?? endpoint,
    maxAttempts: 1,
  });
  const refused = (promise: Promise<unknown>) =>
    promise.then(
      () => false,
      () => true,
    );
  try {
    const { mfaInstaller } = seededUsers;
    const mfaSignIn = await idp.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: profile.cognito.userPoolClientId,
        AuthParameters: { USERNAME: mfaInstaller.username, PASSWORD: mfaInstaller.password },
      }),
    );
    const mfa = { ON: 'REQUIRED', OPTIONAL: 'OPTIONAL', OFF: 'OFF' }[running.userPool.mfaConfiguration];
    return {
      mfa,
      totp: mfaSignIn.ChallengeName === 'SOFTWARE_TOKEN_MFA',
      // No alias lookup in the sandbox: a sign-in name is the username.
      signInAliases: [],
      adminCreateUserOnly: await refused(
        idp.send(
          new SignUpCommand({
            ClientId: profile.cognito.userPoolClientId,
            Username: 'self-made',
            Password: 'Self-Made-Passw0rd!',
          }),
        ),
      ),
      guestAccess: !(await refused(
        identity.send(new GetIdCommand({ IdentityPoolId: profile.cognito.identityPoolId })),
      )),
    };
  } finally {
    idp.destroy();
    identity.destroy();
  }
}

function permissionsOfRole(roles: readonly RoleDefinition[], roleArn: string | undefined): string[] {
  const role = roles.find((candidate) => candidate.roleArn === roleArn);
  if (!role) return roleArn === undefined ? [] : [`(no such role ${roleArn})`];
  return permissions(role.policies.flatMap((policy) => listOf(policy.Statement)));
}

// ------------------------------------------------------------------ the backend, resolved

function readBackend(synthesized: SynthesizedBackend, running: RunningSandbox): AmplifySide {
  const find = (role: StackRole, type: string) =>
    Object.entries(synthesized.stacks[role].template.Resources).filter(
      ([, resource]) => resource.Type === type,
    );
  const one = (role: StackRole, type: string): [string, CloudFormationResource] => {
    const found = find(role, type);
    if (found.length !== 1) throw new Error(`the ${role} stack has ${found.length} ${type}, expected one`);
    return found[0] as [string, CloudFormationResource];
  };
  const props = (resource: CloudFormationResource) => resource.Properties ?? {};
  const getAttTarget = (value: unknown) =>
    (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];

  // The names the sandbox gives what the backend leaves to AWS or names itself.
  const roleName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
  const physicalNames: Record<string, string> = {};
  const [userPoolId] = one('auth', 'AWS::Cognito::UserPool');
  const [clientId] = one('auth', 'AWS::Cognito::UserPoolClient');
  const [identityPoolId] = one('auth', 'AWS::Cognito::IdentityPool');
  const [, attachment] = one('auth', 'AWS::Cognito::IdentityPoolRoleAttachment');
  const [templateId, template] = one('provisioning', 'AWS::IoT::ProvisioningTemplate');
  const [devicePolicyId, devicePolicy] = one('provisioning', 'AWS::IoT::Policy');
  physicalNames[userPoolId] = running.userPool.userPoolId;
  physicalNames[clientId] = APP_CLIENT_ID;
  physicalNames[identityPoolId] = running.identityPool.identityPoolId;
  physicalNames[templateId] = TEMPLATE_NAME;
  physicalNames[devicePolicyId] = DEVICE_POLICY_NAME;
  const sandboxGroups = running.userPool.listGroups();
  const amplifyGroups = find('auth', 'AWS::Cognito::UserPoolGroup').map(([, group]) => props(group));
  for (const group of amplifyGroups) {
    const roleId = getAttTarget(group.RoleArn);
    const sandboxRole = sandboxGroups.find((candidate) => candidate.groupName === group.GroupName)?.roleArn;
    if (roleId && sandboxRole) physicalNames[roleId] = roleName(sandboxRole);
  }
  const poolRoles = props(attachment).Roles as Record<string, unknown> | undefined;
  const authenticatedRoleId = getAttTarget(poolRoles?.authenticated);
  if (authenticatedRoleId) physicalNames[authenticatedRoleId] = roleName(running.arns.signedInRole);
  const provisioningRoleId = getAttTarget(props(template).ProvisioningRoleArn);
  if (provisioningRoleId) physicalNames[provisioningRoleId] = roleName(running.arns.provisioningRole);
  // The hook function is the Lambda built from backend-definition/pre-provisioning-hook.ts.
  const functionCode = new Map<string, string[]>();
  for (const [logicalId, assetDir] of Object.entries(synthesized.lambdaAssets)) {
    functionCode.set(logicalId, bundledSources(assetDir));
  }
  for (const [logicalId, code] of functionCode) {
    if (code.includes('backend-definition/pre-provisioning-hook.ts')) {
      const hookArn = running.arns.preProvisioningHook;
      physicalNames[logicalId] = hookArn.slice(hookArn.lastIndexOf(':') + 1);
    }
  }

  const environment = { partition: 'aws', region: running.region, accountId: running.accountId };
  const resolver = cloudFormationResolver(synthesized, { ...environment, physicalNames });
  // The template and the device policy are named literally (per backend): read them as the sandbox's.
  const deployedNames = new Map([
    [String(props(devicePolicy).PolicyName), DEVICE_POLICY_NAME],
    [String(props(template).TemplateName), TEMPLATE_NAME],
  ]);
  const resolved = (role: StackRole, value: unknown) => renamed(resolver.resolve(role, value), deployedNames);

  const templateProps = props(template);
  const hook = resolved('provisioning', templateProps.PreProvisioningHook) as
    { TargetArn?: string; PayloadVersion?: string } | undefined;
  const rolePermissions = (roleId: string | undefined) =>
    roleId === undefined ? [] : permissions(statementsOfRole(synthesized, resolver, deployedNames, roleId));
  const roleUse = (roleId: string | undefined) =>
    amplifyGroups.filter((group) => getAttTarget(group.RoleArn) === roleId).length +
    (roleId === authenticatedRoleId ? 1 : 0);

  const hookFunctionId = [...functionCode.keys()].find(
    (logicalId) => hook?.TargetArn !== undefined && lambdaArn(resolver, logicalId) === hook.TargetArn,
  );
  const hookFunction = hookFunctionId
    ? find('function', 'AWS::Lambda::Function').find(([id]) => id === hookFunctionId)?.[1]
    : undefined;
  const installersRoleId = getAttTarget(
    amplifyGroups.find((group) => group.GroupName === 'installers')?.RoleArn,
  );
  const mappings = (props(attachment).RoleMappings ?? {}) as Record<string, Record<string, unknown>>;
  const [, userPool] = one('auth', 'AWS::Cognito::UserPool');
  const [, identityPool] = one('auth', 'AWS::Cognito::IdentityPool');
  const poolProps = props(userPool);
  const mfaConfiguration = String(poolProps.MfaConfiguration ?? 'OFF');
  return {
    userPool: {
      mfa: { ON: 'REQUIRED', OPTIONAL: 'OPTIONAL', OFF: 'OFF' }[mfaConfiguration] ?? mfaConfiguration,
      totp: listOf(poolProps.EnabledMfas as string[] | undefined).includes('SOFTWARE_TOKEN_MFA'),
      signInAliases: listOf(poolProps.AliasAttributes as string[] | undefined),
      adminCreateUserOnly:
        (poolProps.AdminCreateUserConfig as { AllowAdminCreateUserOnly?: boolean } | undefined)
          ?.AllowAdminCreateUserOnly === true,
      guestAccess: props(identityPool).AllowUnauthenticatedIdentities !== false,
    },
    template: {
      body: JSON.parse(String(resolved('provisioning', templateProps.TemplateBody))) as unknown,
      description: templateProps.Description as string | undefined,
      enabled: templateProps.Enabled as boolean | undefined,
      type: templateProps.TemplateType as string | undefined,
      preProvisioningHook: hook && { targetArn: hook.TargetArn, payloadVersion: hook.PayloadVersion },
    },
    devicePolicy: resolved('provisioning', props(devicePolicy).PolicyDocument),
    installersPermissions: rolePermissions(installersRoleId),
    groups: amplifyGroups
      .map((group) => ({
        groupName: String(group.GroupName),
        precedence: group.Precedence as number | undefined,
        ownRole: getAttTarget(group.RoleArn) !== undefined && roleUse(getAttTarget(group.RoleArn)) === 1,
        permissions: rolePermissions(getAttTarget(group.RoleArn)),
      }))
      .sort((a, b) => a.groupName.localeCompare(b.groupName)),
    identityPool: {
      roleMappings: Object.fromEntries(
        Object.values(mappings).map((mapping) => [
          resolver.resolveString('auth', mapping.IdentityProvider),
          {
            Type: String(mapping.Type),
            AmbiguousRoleResolution: mapping.AmbiguousRoleResolution as string | undefined,
          },
        ]),
      ),
      roles: Object.fromEntries(
        Object.entries(poolRoles ?? {}).map(([kind, arn]) => [kind, rolePermissions(getAttTarget(arn))]),
      ),
    },
    hookFunction: {
      code: hookFunctionId ? (functionCode.get(hookFunctionId) ?? []) : [],
      environmentNames: Object.keys(
        ((hookFunction?.Properties?.Environment as { Variables?: Record<string, string> } | undefined)
          ?.Variables ?? {}) as Record<string, string>,
      )
        .filter((name) => !name.startsWith('AMPLIFY_'))
        .sort(),
    },
  };
}

/**
 * Every statement that grants a role something: its inline policies, the AWS::IAM::Policy
 * resources attached to it (in any stack, by its resolved name) and its managed policies.
 */
function statementsOfRole(
  synthesized: SynthesizedBackend,
  resolver: CloudFormationResolver,
  names: ReadonlyMap<string, string>,
  roleId: string,
): PolicyStatementLike[] {
  const roleName = resolver.ref('auth', roleId);
  const statements: PolicyStatementLike[] = [];
  for (const role of Object.keys(synthesized.stacks) as StackRole[]) {
    for (const [logicalId, resource] of Object.entries(synthesized.stacks[role].template.Resources)) {
      const properties = resource.Properties ?? {};
      if (resource.Type === 'AWS::IAM::Role' && logicalId === roleId) {
        for (const policy of (properties.Policies ?? []) as { PolicyDocument: unknown }[]) {
          statements.push(
            ...documentStatements(renamed(resolver.resolve(role, policy.PolicyDocument), names)),
          );
        }
        for (const arn of listOf(resolver.resolve(role, properties.ManagedPolicyArns ?? []) as string[])) {
          statements.push({ Effect: 'Allow', Action: `(managed policy ${arn})`, Resource: '*' });
        }
      }
      if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
        const attached = resolver.resolve(role, properties.Roles ?? []) as string[];
        if (attached.includes(roleName)) {
          statements.push(
            ...documentStatements(renamed(resolver.resolve(role, properties.PolicyDocument), names)),
          );
        }
      }
    }
  }
  return statements;
}

function lambdaArn(resolver: CloudFormationResolver, logicalId: string): string | undefined {
  for (const role of ['function', 'provisioning', 'root', 'auth'] as const) {
    try {
      return resolver.arn(role, logicalId);
    } catch {
      // Not in this stack.
    }
  }
  return undefined;
}

/**
 * The repository files a Lambda bundle was built from (its source map, without dependencies), each
 * checked to be the file as it is now in the repository.
 */
function bundledSources(assetDir: string): string[] {
  const mapPath = join(assetDir, 'index.mjs.map');
  // CDK's own functions (the custom resource provider) ship prebuilt, without a map.
  if (!existsSync(mapPath)) return [];
  const map = JSON.parse(readFileSync(mapPath, 'utf8')) as {
    sources: string[];
    sourcesContent?: (string | null)[];
  };
  return map.sources.flatMap((source, index) => {
    const path = relative(repositoryRoot, resolve(assetDir, source)).split('\\').join('/');
    if (path.startsWith('..') || path.includes('node_modules/')) return [];
    const bundled = map.sourcesContent?.[index];
    return bundled === readFileSync(join(repositoryRoot, path), 'utf8')
      ? [path]
      : [`${path} (changed since)`];
  });
}

// ------------------------------------------------------------------ policies as sets of permissions

interface PolicyStatementLike {
  Effect: string;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: unknown;
}

function documentStatements(document: unknown): PolicyStatementLike[] {
  return listOf((document as { Statement?: PolicyStatementLike | PolicyStatementLike[] }).Statement);
}

/**
 * A policy as the set of what it grants or denies: one `Effect action resource condition` line per
 * action and resource, sorted. Two documents are equal here when IAM would decide every request the
 * same way, whatever their layout (CDK merges and reorders statements).
 */
function permissions(statements: readonly PolicyStatementLike[]): string[] {
  const lines = new Set<string>();
  for (const statement of statements) {
    const condition =
      statement.Condition === undefined ? '' : ` if ${JSON.stringify(canonical(statement.Condition))}`;
    for (const action of listOf(statement.Action)) {
      for (const resource of listOf(statement.Resource)) {
        lines.add(`${statement.Effect} ${action} ${resource}${condition}`);
      }
    }
  }
  return [...lines].sort();
}

function listOf<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => [key, canonical(item)]),
  );
}

/** Replaces the backend's own names with the sandbox's, wherever they stand alone in a string. */
function renamed(value: unknown, names: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    let text = value;
    for (const [from, to] of [...names].sort(([a], [b]) => b.length - a.length)) {
      text = text.replace(new RegExp(`(?<![\\w-])${escapeRegExp(from)}(?![\\w-])`, 'g'), to);
    }
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => renamed(item, names));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renamed(item, names)]));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { isDeepStrictEqual } from 'node:util';
import type { PolicyStatement } from '../../../backend-definition/policy-document.js';
import type { CloudFormationResolver } from '../../support/resolve-cloudformation.js';
import type { StackRole, SynthesizedBackend } from '../../support/synthesize-backend.js';
import type {
  FoundManagedPolicy,
  FoundStatement,
  KnownManagedPolicy,
  KnownStatement,
} from './iam-statements.js';
import { isTrustPolicy, listOf } from './iam-statements.js';

/**
 * The allowlist: every policy statement the synthesized backend may hold. The first entries are
 * this project's own (backend-definition/ and amplify/); the rest are what Amplify and CDK
 * generate, each named with the reason it exists. A statement matching none of them fails the
 * IAM test, so a new one (an Amplify upgrade, a new construct) is read before it ships.
 */

export interface KnownContext {
  backend: SynthesizedBackend;
  resolver: CloudFormationResolver;
  /** installerPolicyDocument(...).Statement and devicePolicyDocument(...).Statement, resolved for the test account. */
  installerStatements: PolicyStatement[];
  deviceStatements: PolicyStatement[];
}

const logicalId = (pattern: RegExp, stack?: StackRole) => (found: FoundStatement) =>
  (stack === undefined || found.stack === stack) && pattern.test(found.logicalId);

const trusts = (found: FoundStatement, principal: unknown, action: string) =>
  isTrustPolicy(found) &&
  isDeepStrictEqual(found.statement.Principal, principal) &&
  isDeepStrictEqual(listOf(found.statement.Action), [action]);

const sameStatement = (found: FoundStatement, expected: PolicyStatement[]) =>
  expected.some((statement) => isDeepStrictEqual(found.statement, statement));

/** The role is the execution role of a Lambda function in its stack. */
function isLambdaExecutionRole(backend: SynthesizedBackend, stack: StackRole, roleId: string): boolean {
  return Object.values(backend.stacks[stack].template.Resources).some(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' &&
      isDeepStrictEqual(resource.Properties?.Role, { 'Fn::GetAtt': [roleId, 'Arn'] }),
  );
}

export function knownStatements(context: KnownContext): KnownStatement[] {
  const { backend, resolver } = context;
  const identityPoolId = resolver.ref('auth', onlyResource(backend, 'auth', 'AWS::Cognito::IdentityPool'));
  const identity = backend.identity;
  return [
    // --- This project's own -------------------------------------------------------------------
    {
      name: "installers' IoT rights",
      why: 'backend-definition/installer-policy.ts: what the station calls, each on the narrowest resource',
      matches: (found) =>
        logicalId(/^InstallersProvisioningPolicy[0-9A-F]{8}$/, 'provisioning')(found) &&
        sameStatement(found, context.installerStatements),
    },
    {
      name: 'device policy',
      why: 'backend-definition/device-policy.ts: a provisioned device may use only its own client id and topics',
      matches: (found) =>
        logicalId(/^DevicePolicy$/, 'provisioning')(found) && sameStatement(found, context.deviceStatements),
    },
    {
      name: 'provisioning role trust',
      why: 'AWS IoT assumes the provisioning role to register a device (amplify/provisioning/resource.ts)',
      matches: (found) =>
        logicalId(/^ProvisioningRole[0-9A-F]{8}$/, 'provisioning')(found) &&
        trusts(found, { Service: 'iot.amazonaws.com' }, 'sts:AssumeRole'),
    },
    {
      name: 'IoT data endpoint lookup',
      why:
        'amplify/provisioning/iot-data-endpoint.ts: the custom resource calls iot:DescribeEndpoint once per deploy; ' +
        'IAM has no resource-level permission for it, hence Resource *',
      matches: (found) =>
        logicalId(/^IotDataEndpointCustomResourcePolicy[0-9A-F]{8}$/, 'provisioning')(found) &&
        isDeepStrictEqual(found.statement, {
          Action: 'iot:DescribeEndpoint',
          Effect: 'Allow',
          Resource: '*',
        }),
    },
    // --- Amplify (defineAuth) -------------------------------------------------------------------
    {
      name: 'identity pool role trust',
      why:
        'Amplify defineAuth: the authenticated role, the guest role (unmapped here, so never assumed) and one role ' +
        'per group may be assumed through this identity pool only, with the matching amr',
      matches: (found) => {
        if (
          found.stack !== 'auth' ||
          !trusts(found, { Federated: 'cognito-identity.amazonaws.com' }, 'sts:AssumeRoleWithWebIdentity')
        ) {
          return false;
        }
        const amr = /unauthenticatedUserRole/.test(found.logicalId) ? 'unauthenticated' : 'authenticated';
        return isDeepStrictEqual(found.statement.Condition, {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': identityPoolId },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr },
        });
      },
    },
    // --- CDK (every Lambda) ---------------------------------------------------------------------
    {
      name: 'Lambda execution role trust',
      why: 'CDK: each Lambda (the hook, the custom-resource handler, Amplify’s branch linker) runs as its own role',
      matches: (found) =>
        trusts(found, { Service: 'lambda.amazonaws.com' }, 'sts:AssumeRole') &&
        isLambdaExecutionRole(backend, found.stack, found.logicalId),
    },
    // --- Amplify (branch deployments only: ampx pipeline-deploy) --------------------------------
    {
      name: 'branch linker',
      why:
        'Amplify: a branch deployment records its stack on the Amplify app branch (GetBranch, UpdateBranch). ' +
        'Amplify writes the ARN with arn:aws and * for region and account; it is scoped to this app and branch',
      matches: (found) =>
        logicalId(
          /^AmplifyBranchLinkerCustomResourceLambdaServiceRoleDefaultPolicy[0-9A-F]{8}$/,
          'root',
        )(found) &&
        isDeepStrictEqual(found.statement, {
          Action: ['amplify:GetBranch', 'amplify:UpdateBranch'],
          Effect: 'Allow',
          Resource: `arn:aws:amplify:*:*:apps/${identity.namespace}/branches/${identity.name}`,
        }),
      waives: { arnWildcard: 'Amplify generates it; region and account are the deploying ones in effect' },
    },
    {
      name: 'branch linker provider',
      why: 'CDK custom-resource provider framework: invokes (and reads) the branch linker Lambda, nothing else',
      matches: (found) => {
        if (
          !logicalId(
            /^AmplifyBranchLinkerCustomResourceProviderframeworkonEventServiceRoleDefaultPolicy[0-9A-F]{8}$/,
            'root',
          )(found)
        ) {
          return false;
        }
        const linker = resolver.arn(
          'root',
          onlyResource(
            backend,
            'root',
            'AWS::Lambda::Function',
            /^AmplifyBranchLinkerCustomResourceLambda[0-9A-F]{8}$/,
          ),
        );
        return (
          isDeepStrictEqual(found.statement, {
            Action: 'lambda:InvokeFunction',
            Effect: 'Allow',
            Resource: [linker, `${linker}:*`],
          }) ||
          isDeepStrictEqual(found.statement, {
            Action: 'lambda:GetFunction',
            Effect: 'Allow',
            Resource: linker,
          })
        );
      },
    },
  ];
}

export function knownManagedPolicies(backend: SynthesizedBackend): KnownManagedPolicy[] {
  return [
    {
      name: 'service-role/AWSIoTThingsRegistration',
      why: "AWS's documented policy for a Fleet Provisioning role (create things, register and attach certificates and policies)",
      attachedTo: (found: FoundManagedPolicy) =>
        found.stack === 'provisioning' && /^ProvisioningRole[0-9A-F]{8}$/.test(found.logicalId),
    },
    {
      name: 'service-role/AWSLambdaBasicExecutionRole',
      why: 'CDK: a Lambda writes its logs to CloudWatch (logs:CreateLogGroup, CreateLogStream, PutLogEvents)',
      attachedTo: (found: FoundManagedPolicy) => isLambdaExecutionRole(backend, found.stack, found.logicalId),
    },
  ];
}

/** The logical id of the one resource of a type (and id pattern) in a stack. */
export function onlyResource(
  backend: SynthesizedBackend,
  stack: StackRole,
  type: string,
  pattern?: RegExp,
): string {
  const ids = Object.entries(backend.stacks[stack].template.Resources)
    .filter(([id, resource]) => resource.Type === type && (pattern === undefined || pattern.test(id)))
    .map(([id]) => id);
  if (ids.length !== 1 || ids[0] === undefined)
    throw new Error(`${stack} stack has ${ids.length} ${type} ${pattern ?? ''}`);
  return ids[0];
}

import { devicePolicyDocument } from '../../../backend-definition/device-policy.js';
import {
  installerPolicyDocument,
  retireReplacedCertificatesFrom,
} from '../../../backend-definition/installer-policy.js';
import type { ArnBuilder } from '../../../backend-definition/policy-document.js';
import { cloudFormationResolver, type CloudFormationResolver } from '../../support/resolve-cloudformation.js';
import {
  synthesizeBackend,
  type SynthesizedBackend,
  type SynthesizeOptions,
} from '../../support/synthesize-backend.js';
import {
  iamProblems,
  installerActionProblems,
  managedPolicies,
  policyStatements,
  statementsOfRole,
  type FoundStatement,
} from './iam-statements.js';
import { knownManagedPolicies, knownStatements, onlyResource } from './known-iam-statements.js';

/** The account a test pretends to deploy into, and what DescribeEndpoint would answer there. */
export const testEnvironment = { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' };
export const testDataEndpoint = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';
export const testArns: ArnBuilder = {
  iot: (resource) => `arn:aws:iot:${testEnvironment.region}:${testEnvironment.accountId}:${resource}`,
};

/** A synthesized backend with its resolver and the logical ids the tests look at. */
export interface BackendFixture {
  backend: SynthesizedBackend;
  resolver: CloudFormationResolver;
  ids: ReturnType<typeof logicalIdsOf>;
  templateName: string;
  devicePolicyName: string;
  /** installerPolicyDocument's statements for this backend, with the options its synth ran with. */
  installerStatements: ReturnType<typeof installerPolicyDocument>['Statement'];
  statements: FoundStatement[];
  /** The IAM rules' problems (iam-statements.ts) for this backend; empty when all pass. */
  iamProblems(): string[];
}

export async function synthesizeFixture(outDir: string, options: SynthesizeOptions): Promise<BackendFixture> {
  const backend = await synthesizeBackend(outDir, options);
  console.log(`amplify/backend.ts (${backend.identity.type}) synthesized in ${backend.durationMs} ms`);
  return fixtureOf(backend);
}

/** The fixture of an assembly as it is, or as a test changed it. */
export function fixtureOf(backend: SynthesizedBackend): BackendFixture {
  const resolver = cloudFormationResolver(backend, {
    ...testEnvironment,
    attributes: {
      [`${onlyResource(backend, 'provisioning', 'Custom::AWS')}.endpointAddress`]: testDataEndpoint,
    },
  });
  const ids = logicalIdsOf(backend);
  const templateName = resolver.ref('provisioning', ids.template);
  const statements = policyStatements(backend, resolver);
  const installerStatements = installerPolicyDocument(testArns, templateName, {
    retireReplacedCertificates: retireReplacedCertificatesFrom(backend.environment),
  }).Statement;
  return {
    backend,
    resolver,
    ids,
    templateName,
    devicePolicyName: resolver.ref('provisioning', ids.devicePolicy),
    installerStatements,
    statements,
    iamProblems: () => [
      ...iamProblems(statements, managedPolicies(backend, resolver), {
        statements: knownStatements({
          backend,
          resolver,
          installerStatements,
          deviceStatements: devicePolicyDocument(testArns).Statement,
        }),
        managedPolicies: knownManagedPolicies(backend),
        partition: testEnvironment.partition,
      }),
      ...installerActionProblems(
        statementsOfRole(statements, backend, resolver, { stack: 'auth', logicalId: ids.installersRole }),
      ),
    ],
  };
}

function logicalIdsOf(backend: SynthesizedBackend) {
  return {
    userPool: onlyResource(backend, 'auth', 'AWS::Cognito::UserPool'),
    client: onlyResource(backend, 'auth', 'AWS::Cognito::UserPoolClient'),
    identityPool: onlyResource(backend, 'auth', 'AWS::Cognito::IdentityPool'),
    installersRole: onlyResource(backend, 'auth', 'AWS::IAM::Role', /^amplifyAuthinstallersGroupRole/),
    adminsRole: onlyResource(backend, 'auth', 'AWS::IAM::Role', /^amplifyAuthadminsGroupRole/),
    authenticatedRole: onlyResource(backend, 'auth', 'AWS::IAM::Role', /^amplifyAuthauthenticatedUserRole/),
    hook: onlyResource(backend, 'function', 'AWS::Lambda::Function'),
    template: onlyResource(backend, 'provisioning', 'AWS::IoT::ProvisioningTemplate'),
    devicePolicy: onlyResource(backend, 'provisioning', 'AWS::IoT::Policy'),
    provisioningRole: onlyResource(backend, 'provisioning', 'AWS::IAM::Role', /^ProvisioningRole/),
    installersPolicy: onlyResource(
      backend,
      'provisioning',
      'AWS::IAM::Policy',
      /^InstallersProvisioningPolicy/,
    ),
  };
}

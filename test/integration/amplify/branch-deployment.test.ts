import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentNames } from '../../../amplify/provisioning/deployment-names.js';
import { installerPolicyDocument } from '../../../backend-definition/installer-policy.js';
import { synthesizeFixture, testArns, testDataEndpoint, type BackendFixture } from './backend-fixture.js';
import { listOf, statementsOfRole } from './iam-statements.js';

/**
 * The same backend as `ampx pipeline-deploy --branch main` synthesizes it: Amplify adds its branch
 * linker, the device policy outlives the stack, and the hook's rules come from the deploy's
 * environment (the Amplify console's environment variables of the branch).
 */

const identity = { namespace: 'd1a2b3c4e5f6g7', name: 'main', type: 'branch' } as const;
const outDir = mkdtempSync(join(tmpdir(), 'amplify-branch-synth-'));
let fixture: BackendFixture;

beforeAll(async () => {
  fixture = await synthesizeFixture(outDir, {
    identity,
    environment: {
      SERIAL_NUMBER_PATTERN: 'SN-[0-9]{6}',
      DENIED_SERIAL_NUMBERS: 'SN-000013,SN-000014',
      RETIRE_REPLACED_CERTIFICATES: 'false',
    },
  });
}, 120_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('a branch deployment', () => {
  it("passes the IAM rules with Amplify's branch linker in it", () => {
    const linkerPolicies = Object.keys(fixture.backend.stacks.root.template.Resources).filter((id) =>
      id.startsWith('AmplifyBranchLinker'),
    );
    expect(linkerPolicies.length).toBeGreaterThan(0);
    expect(fixture.iamProblems()).toEqual([]);
    const installers = statementsOfRole(fixture.statements, fixture.backend, fixture.resolver, {
      stack: 'auth',
      logicalId: fixture.ids.installersRole,
    });
    expect(installers).toEqual(
      installerPolicyDocument(testArns, fixture.templateName, { retireReplacedCertificates: false })
        .Statement,
    );
  });

  it('leaves the certificate clean-up out with RETIRE_REPLACED_CERTIFICATES=false', () => {
    const installers = statementsOfRole(fixture.statements, fixture.backend, fixture.resolver, {
      stack: 'auth',
      logicalId: fixture.ids.installersRole,
    });
    const actions = installers.flatMap((statement) => listOf(statement.Action));
    expect(actions).not.toContain('iot:UpdateCertificate');
    expect(actions).not.toContain('iot:DetachThingPrincipal');
    expect(actions).toContain('iot:CreateProvisioningClaim');
  });

  it('keeps the user pool when the branch goes: deletion protection on, retained', () => {
    const pool = fixture.backend.stacks.auth.template.Resources[fixture.ids.userPool];
    expect(pool).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { DeletionProtection: 'ACTIVE' },
    });
  });

  it('names its template and policy after the branch', () => {
    expect({ templateName: fixture.templateName, devicePolicyName: fixture.devicePolicyName }).toEqual(
      deploymentNames(identity),
    );
    expect(fixture.templateName).toMatch(/^Station-main-[0-9a-f]{8}$/);
  });

  it('keeps the device policy when the stack goes: provisioned devices depend on it', () => {
    const policy = fixture.backend.stacks.provisioning.template.Resources[fixture.ids.devicePolicy];
    expect(policy).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it("gives the hook the deploy's serial-number rules", () => {
    const hook = fixture.backend.stacks.function.template.Resources[fixture.ids.hook];
    expect(hook?.Properties?.Environment).toMatchObject({
      Variables: { SERIAL_NUMBER_PATTERN: 'SN-[0-9]{6}', DENIED_SERIAL_NUMBERS: 'SN-000013,SN-000014' },
    });
  });

  it("names the station profile after the branch and the deploy's region", () => {
    const customOutputs = fixture.backend.stacks.root.template.Outputs?.customOutputs?.Value;
    const outputs = JSON.parse(fixture.resolver.resolveString('root', customOutputs));
    expect(outputs.custom.provisioningStation).toMatchObject({
      name: 'main (eu-west-1)',
      templateName: fixture.templateName,
      iotDataEndpoint: testDataEndpoint,
    });
  });
});

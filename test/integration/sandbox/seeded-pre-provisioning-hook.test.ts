import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisioningTemplateBody } from '../../../backend-definition/provisioning-template.js';
import { requestClaimAsInstaller } from '../../../sandbox/orchestrator/installer-claim.js';
import {
  DEVICE_POLICY_NAME,
  INSTALLERS_GROUP,
  seededUsers,
  TEMPLATE_NAME,
} from '../../../sandbox/orchestrator/sandbox-seed.js';
import { startSandbox, type RunningSandbox } from '../../../sandbox/orchestrator/start-sandbox.js';
import {
  parseDataEndpoint,
  provisionWithClaim,
  type DeviceCredentials,
} from '../../support/aws-device-sdk-client.js';

/**
 * The seeded template's pre-provisioning hook runs the hook Lambda's code
 * (backend-definition/pre-provisioning-hook.ts) with the sandbox's rules: devices provision with
 * AWS's device SDK over real MQTT, and the hook's refusals arrive as AWS sends them.
 */

const scratch = mkdtempSync(join(tmpdir(), 'seeded-hook-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Provisions one serial number with a claim; the RegisterThing rejection's text when refused. */
async function provision(
  sandbox: RunningSandbox,
  claim: DeviceCredentials,
  serialNumber: string,
): Promise<{ thingName: string } | { refused: string }> {
  const { profile } = sandbox;
  try {
    const outcome = await provisionWithClaim({
      protocol: 'mqtt5',
      flow: 'keys',
      endpoint: parseDataEndpoint(profile.iot.dataEndpoint, profile.iot.caCertificatePem ?? ''),
      claim,
      templateName: profile.iot.templateName,
      parameters: { SerialNumber: serialNumber },
      clientId: `claim-${serialNumber}`,
    });
    return { thingName: outcome.thingName };
  } catch (error) {
    return { refused: error instanceof Error ? error.message : String(error) };
  }
}

async function installerClaim(sandbox: RunningSandbox): Promise<DeviceCredentials> {
  const claim = await requestClaimAsInstaller({ profile: sandbox.profile, ...seededUsers.installer });
  return { certificatePem: claim.certificatePem, privateKeyPem: claim.privateKeyPem };
}

/** AWS's answer on `…/rejected` when the hook does not allow provisioning. */
const hookRefusal =
  /"statusCode":403.*"errorCode":"AccessDenied"|"errorCode":"AccessDenied".*"statusCode":403/;

describe('the seeded hook with a pattern and a deny list', () => {
  let sandbox: RunningSandbox;
  const logs: string[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({
      serialNumberRules: { pattern: 'SN-[0-9]{4}', denied: ['SN-0666'] },
      log: (line) => logs.push(line),
    });
  });
  afterAll(() => sandbox.stop());

  it('refuses a denied serial number and one outside the pattern with AccessDenied; others provision', async () => {
    const template = sandbox.registry.getTemplate(TEMPLATE_NAME);
    expect(template?.preProvisioningHook?.targetArn).toBe(sandbox.arns.preProvisioningHook);
    expect(sandbox.functions.map((fn) => [fn.functionArn, fn.code])).toEqual([
      [sandbox.arns.preProvisioningHook, 'backend-definition/pre-provisioning-hook.ts'],
    ]);

    const claim = await installerClaim(sandbox);
    const results = {
      allowed: await provision(sandbox, claim, 'SN-0001'),
      denied: await provision(sandbox, claim, 'SN-0666'),
      outsidePattern: await provision(sandbox, claim, 'XY-0002'),
      alsoAllowed: await provision(sandbox, claim, 'SN-0002'),
    };
    expect(results.allowed).toEqual({ thingName: 'SN-0001' });
    expect(results.alsoAllowed).toEqual({ thingName: 'SN-0002' });
    for (const refused of [results.denied, results.outsidePattern]) {
      expect(refused).toEqual({ refused: expect.stringMatching(hookRefusal) });
    }
    expect(sandbox.registry.getThing('SN-0666')).toBeUndefined();
    expect(sandbox.registry.getThing('XY-0002')).toBeUndefined();
    expect(logs.filter((line) => line.includes('pre-provisioning hook refused'))).toHaveLength(2);
  });

  it('refuses rules the hook could not read before anything starts', async () => {
    await expect(startSandbox({ serialNumberRules: { pattern: 'SN-(' } })).rejects.toThrow(
      /serialNumberRules: .*not a regular expression/,
    );
    await expect(startSandbox({ serialNumberRules: { denied: ['SN-1,SN-2'] } })).rejects.toThrow(
      /serialNumberRules: .*comma or white space/,
    );
  });
});

describe('the seeded hook by default', () => {
  it('allows every serial number, so devices provision as before', async () => {
    const sandbox = await startSandbox();
    try {
      expect(sandbox.functions[0]?.environment).toEqual({});
      const claim = await installerClaim(sandbox);
      expect(await provision(sandbox, claim, 'anything_at-all:1')).toEqual({
        thingName: 'anything_at-all:1',
      });
    } finally {
      await sandbox.stop();
    }
  });
});

describe('a data folder an older sandbox seeded', () => {
  it('comes up with the hook, the admins group and the definition’s template, keeping users and things', async () => {
    const dataDir = join(scratch, 'older');
    // What the older seed wrote: one group with its role, users, a template without hook and with
    // the body before BatchId/StationId/Operator, the device policy, and a provisioned thing.
    const older = await startSandbox({ dataDir, seed: false });
    const { userPool, registry, arns } = older;
    userPool.createGroup({ groupName: INSTALLERS_GROUP, precedence: 1, roleArn: arns.installerRole });
    userPool.createUser({ username: 'installer', password: 'Chosen-Passw0rd!' });
    userPool.addUserToGroup('installer', INSTALLERS_GROUP);
    const { Parameters, ...rest } = provisioningTemplateBody(DEVICE_POLICY_NAME);
    const { BatchId: _batch, StationId: _station, Operator: _operator, ...olderParameters } = Parameters;
    registry.createTemplate({
      templateName: TEMPLATE_NAME,
      templateBody: JSON.stringify({ ...rest, Parameters: olderParameters }),
      provisioningRoleArn: arns.provisioningRole,
      description: 'Provisioning Station sandbox: Thing named by serial number',
      enabled: true,
    });
    registry.putThing({ thingName: 'SN-OLD' });
    await older.stop();

    const sandbox = await startSandbox({ dataDir, serialNumberRules: { denied: ['SN-0666'] } });
    try {
      expect(sandbox.seedUpdated).toEqual([
        `template ${TEMPLATE_NAME} (body, description, pre-provisioning hook)`,
      ]);
      expect(sandbox.seeded).toEqual(
        expect.arrayContaining(['group admins', `policy ${DEVICE_POLICY_NAME}`]),
      );
      expect(sandbox.seeded).not.toContain('user installer');
      expect(sandbox.registry.getThing('SN-OLD')).toBeDefined();
      expect(sandbox.registry.getTemplate(TEMPLATE_NAME)?.preProvisioningHook?.targetArn).toBe(
        sandbox.arns.preProvisioningHook,
      );
      // The installer's own password still works, the role comes from the token, the hook applies.
      const claim = await requestClaimAsInstaller({
        profile: sandbox.profile,
        username: 'installer',
        password: 'Chosen-Passw0rd!',
      });
      const credentials = { certificatePem: claim.certificatePem, privateKeyPem: claim.privateKeyPem };
      expect(await provision(sandbox, credentials, 'SN-0666')).toEqual({
        refused: expect.stringMatching(hookRefusal),
      });
      expect(await provision(sandbox, credentials, 'SN-0007')).toEqual({ thingName: 'SN-0007' });
      const thing = sandbox.registry.getThing('SN-0007');
      // The new body's parameters: the Thing records batch, station and operator.
      expect(thing?.attributes).toMatchObject({ batchId: 'unassigned', stationId: 'unassigned' });
    } finally {
      await sandbox.stop();
    }
  });
});

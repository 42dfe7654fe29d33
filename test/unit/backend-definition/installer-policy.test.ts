import { describe, expect, it } from 'vitest';
import {
  actionsWithoutResourceScope,
  installerPolicyDocument,
  retireReplacedCertificatesFrom,
} from '../../../backend-definition/installer-policy.js';
import type { PolicyDocument } from '../../../backend-definition/policy-document.js';
import { iotOperationNames } from '../../../src/main/core/aws/iot-operation-names.js';

/**
 * The installers' policy grants what the station calls and nothing more. The expected actions come
 * from the station's own list (src/main/core/aws/iot-operation-names.ts), never from the policy.
 */

const arns = { iot: (resource: string) => `arn:aws:iot:eu-west-1:123456789012:${resource}` };
const stationActions = iotOperationNames.map((name) => `iot:${name}`).sort();
const retirement = ['iot:DetachThingPrincipal', 'iot:UpdateCertificate'];

function actionsOf(document: PolicyDocument): string[] {
  const actions = document.Statement.flatMap((statement) =>
    Array.isArray(statement.Action) ? statement.Action : [statement.Action],
  );
  return [...new Set(actions)].sort();
}

describe('installerPolicyDocument', () => {
  it('allows exactly the IoT operations the station calls', () => {
    expect(actionsOf(installerPolicyDocument(arns, 'T'))).toEqual(stationActions);
  });

  it('allows on * only actions the station calls that IAM cannot scope', () => {
    const onStar = installerPolicyDocument(arns, 'T').Statement.filter((s) => s.Resource === '*');
    const actions = onStar.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).toEqual([...actionsWithoutResourceScope]);
    for (const action of actionsWithoutResourceScope) expect(stationActions).toContain(action);
  });

  it('leaves out the certificate clean-up when asked, and only that', () => {
    const without = installerPolicyDocument(arns, 'T', { retireReplacedCertificates: false });
    expect(actionsOf(without)).toEqual(stationActions.filter((action) => !retirement.includes(action)));
    expect(installerPolicyDocument(arns, 'T', { retireReplacedCertificates: true })).toEqual(
      installerPolicyDocument(arns, 'T'),
    );
  });

  it('conditions DetachThingPrincipal on the thing with ArnLike, the operator for ARN keys', () => {
    const detach = installerPolicyDocument(arns, 'T').Statement.find(
      (s) => s.Action === 'iot:DetachThingPrincipal',
    );
    expect(detach?.Condition).toEqual({ ArnLike: { 'iot:thingArn': arns.iot('thing/*') } });
  });
});

describe('RETIRE_REPLACED_CERTIFICATES', () => {
  it('is true when absent or empty, and reads true and false', () => {
    expect(retireReplacedCertificatesFrom({})).toBe(true);
    expect(retireReplacedCertificatesFrom({ RETIRE_REPLACED_CERTIFICATES: ' ' })).toBe(true);
    expect(retireReplacedCertificatesFrom({ RETIRE_REPLACED_CERTIFICATES: 'TRUE' })).toBe(true);
    expect(retireReplacedCertificatesFrom({ RETIRE_REPLACED_CERTIFICATES: 'false' })).toBe(false);
  });

  it('refuses anything else, naming the variable', () => {
    for (const value of ['no', '0', 'off', 'falsee']) {
      expect(() => retireReplacedCertificatesFrom({ RETIRE_REPLACED_CERTIFICATES: value })).toThrow(
        /RETIRE_REPLACED_CERTIFICATES is .*expected true or false/,
      );
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicyDocument } from '../../../sandbox/iam/iam-policy.js';
import { evaluatePolicies, wildcardMatch } from '../../../sandbox/iam/iam-policy-evaluator.js';

const templateArn = 'arn:aws:iot:eu-central-1:123456789012:provisioningtemplate/StationTemplate';

const allowClaim: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iot:CreateProvisioningClaim', Resource: templateArn }],
};

describe('IAM policy evaluation', () => {
  it('allows what a statement allows and implicitly denies everything else', () => {
    expect(
      evaluatePolicies([allowClaim], { action: 'iot:CreateProvisioningClaim', resource: templateArn }),
    ).toBe('Allow');
    expect(
      evaluatePolicies([allowClaim], { action: 'iot:CreateProvisioningClaim', resource: `${templateArn}2` }),
    ).toBe('ImplicitDeny');
    expect(evaluatePolicies([allowClaim], { action: 'iot:DescribeThing', resource: templateArn })).toBe(
      'ImplicitDeny',
    );
    expect(evaluatePolicies([], { action: 'iot:DescribeThing', resource: '*' })).toBe('ImplicitDeny');
  });

  it('lets an explicit Deny win over any Allow, in any order and across policies', () => {
    const deny: PolicyDocument = { Statement: { Effect: 'Deny', Action: 'iot:*', Resource: '*' } };
    const request = { action: 'iot:CreateProvisioningClaim', resource: templateArn };
    expect(evaluatePolicies([allowClaim, deny], request)).toBe('ExplicitDeny');
    expect(evaluatePolicies([deny, allowClaim], request)).toBe('ExplicitDeny');
  });

  it('matches actions case-insensitively and resources case-sensitively', () => {
    const policy: PolicyDocument = {
      Statement: [{ Effect: 'Allow', Action: ['IOT:describe*'], Resource: 'arn:aws:iot:*:*:thing/Dev?' }],
    };
    const thing = (name: string) => `arn:aws:iot:eu-central-1:123456789012:thing/${name}`;
    expect(evaluatePolicies([policy], { action: 'iot:DescribeThing', resource: thing('Dev1') })).toBe(
      'Allow',
    );
    expect(evaluatePolicies([policy], { action: 'iot:DescribeThing', resource: thing('dev1') })).toBe(
      'ImplicitDeny',
    );
    expect(evaluatePolicies([policy], { action: 'iot:DescribeThing', resource: thing('Dev12') })).toBe(
      'ImplicitDeny',
    );
    expect(evaluatePolicies([policy], { action: 'iot:ListThings', resource: thing('Dev1') })).toBe(
      'ImplicitDeny',
    );
  });

  it('evaluates string conditions against the request context', () => {
    const policy: PolicyDocument = {
      Statement: {
        Effect: 'Allow',
        Action: 'iot:*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-central-1', 'eu-west-1'] } },
      },
    };
    const request = (region?: string) => ({
      action: 'iot:ListThings',
      resource: '*',
      ...(region ? { context: { 'aws:requestedregion': region } } : {}),
    });
    expect(evaluatePolicies([policy], request('eu-west-1'))).toBe('Allow');
    expect(evaluatePolicies([policy], request('us-east-1'))).toBe('ImplicitDeny');
    expect(evaluatePolicies([policy], request())).toBe('ImplicitDeny');
  });

  it('evaluates ARN conditions per ARN component, as AWS documents ArnLike and ArnEquals', () => {
    const thing = (name: string) => `arn:aws:iot:eu-central-1:123456789012:thing/${name}`;
    const certificate = `arn:aws:iot:eu-central-1:123456789012:cert/${'c'.repeat(64)}`;
    const detach = (operator: string, pattern: string): PolicyDocument => ({
      Statement: {
        Effect: 'Allow',
        Action: 'iot:DetachThingPrincipal',
        Resource: 'arn:aws:iot:eu-central-1:123456789012:cert/*',
        Condition: { [operator]: { 'iot:thingArn': pattern } },
      },
    });
    const request = (thingArn?: string) => ({
      action: 'iot:DetachThingPrincipal',
      resource: certificate,
      ...(thingArn === undefined ? {} : { context: { 'iot:thingArn': thingArn } }),
    });
    for (const operator of ['ArnLike', 'ArnEquals']) {
      const policy = detach(operator, thing('*'));
      expect(evaluatePolicies([policy], request(thing('SN-1'))), operator).toBe('Allow');
      expect(evaluatePolicies([policy], request(thing('a:b'))), operator).toBe('Allow');
      expect(
        evaluatePolicies([policy], request('arn:aws:iot:eu-central-1:999999999999:thing/SN-1')),
        operator,
      ).toBe('ImplicitDeny');
      expect(evaluatePolicies([policy], request('thing/SN-1')), operator).toBe('ImplicitDeny');
      expect(evaluatePolicies([policy], request()), operator).toBe('ImplicitDeny');
    }
    // A wildcard matches within one component only: `*` for the region does not swallow the account.
    const anyRegion = detach('ArnLike', 'arn:aws:iot:*:123456789012:thing/*');
    expect(evaluatePolicies([anyRegion], request(thing('SN-1')))).toBe('Allow');
    expect(evaluatePolicies([detach('ArnLike', 'arn:aws:iot:*:thing/*')], request(thing('SN-1')))).toBe(
      'ImplicitDeny',
    );
    expect(evaluatePolicies([detach('ArnNotLike', thing('SN-*'))], request(thing('SN-1')))).toBe(
      'ImplicitDeny',
    );
    expect(evaluatePolicies([detach('ArnNotEquals', thing('SN-2'))], request(thing('SN-1')))).toBe('Allow');
    expect(evaluatePolicies([detach('ArnLikeIfExists', thing('*'))], request())).toBe('Allow');
  });

  it('fails closed on condition operators it cannot evaluate', () => {
    const statement = {
      Action: 'iot:*',
      Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    };
    const request = { action: 'iot:ListThings', resource: '*' };
    expect(evaluatePolicies([{ Statement: { Effect: 'Allow', ...statement } }], request)).toBe(
      'ImplicitDeny',
    );
    expect(
      evaluatePolicies(
        [
          { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } },
          { Statement: { Effect: 'Deny', ...statement } },
        ],
        request,
      ),
    ).toBe('ExplicitDeny');
  });
});

describe('wildcard matching', () => {
  /** Reference: the same semantics through an escaped regular expression. */
  const reference = (pattern: string, value: string): boolean => {
    const source = [...pattern]
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
      .join('');
    return new RegExp(`^${source}$`, 's').test(value);
  };
  const alphabet = fc.constantFrom('a', 'b', '*', '?', ':', '/');

  it('agrees with a regular-expression reference on random patterns', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 8 }),
        fc.string({ unit: alphabet, maxLength: 10 }),
        (p, v) => {
          expect(wildcardMatch(p, v)).toBe(reference(p, v));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('handles the edge cases explicitly', () => {
    expect(wildcardMatch('*', '')).toBe(true);
    expect(wildcardMatch('', '')).toBe(true);
    expect(wildcardMatch('', 'a')).toBe(false);
    expect(wildcardMatch('?', '')).toBe(false);
    expect(wildcardMatch('a*b*c', 'aXbYbZc')).toBe(true);
    expect(wildcardMatch('a*b*c', 'aXbYbZ')).toBe(false);
  });
});

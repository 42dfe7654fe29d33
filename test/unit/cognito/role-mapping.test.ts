import { describe, expect, it } from 'vitest';
import {
  resolveRole,
  roleMappingSchema,
  ruleMatches,
  type RoleMapping,
} from '../../../sandbox/cognito/role-mapping.js';

const INSTALLER = 'arn:aws:iam::123456789012:role/Installer';
const LEAD = 'arn:aws:iam::123456789012:role/Lead';
const SIGNED_IN = 'arn:aws:iam::123456789012:role/SignedIn';

const rule = (
  MatchType: 'Equals' | 'Contains' | 'StartsWith' | 'NotEqual',
  Value: string,
  Claim = 'cognito:groups',
) => ({
  Claim,
  MatchType,
  Value,
  RoleARN: INSTALLER,
});

describe('ruleMatches', () => {
  it('tests string claims', () => {
    expect(ruleMatches(rule('Equals', 'bench-3', 'custom:site'), 'bench-3')).toBe(true);
    expect(ruleMatches(rule('Equals', 'bench-3', 'custom:site'), 'bench-30')).toBe(false);
    expect(ruleMatches(rule('Contains', 'ench', 'custom:site'), 'bench-3')).toBe(true);
    expect(ruleMatches(rule('StartsWith', 'bench', 'custom:site'), 'bench-3')).toBe(true);
    expect(ruleMatches(rule('StartsWith', 'ench', 'custom:site'), 'bench-3')).toBe(false);
    expect(ruleMatches(rule('NotEqual', 'bench-3', 'custom:site'), 'bench-4')).toBe(true);
    expect(ruleMatches(rule('NotEqual', 'bench-3', 'custom:site'), 'bench-3')).toBe(false);
  });

  it('tests multi-valued claims element by element', () => {
    expect(ruleMatches(rule('Contains', 'installers'), ['auditors', 'installers'])).toBe(true);
    expect(ruleMatches(rule('Contains', 'installers'), ['auditors'])).toBe(false);
    expect(ruleMatches(rule('Equals', 'installers'), ['installers', 'leads'])).toBe(true);
    expect(ruleMatches(rule('NotEqual', 'installers'), ['installers', 'leads'])).toBe(false);
    expect(ruleMatches(rule('NotEqual', 'installers'), ['leads'])).toBe(true);
  });

  it('never matches a missing claim, not even NotEqual', () => {
    expect(ruleMatches(rule('NotEqual', 'installers'), undefined)).toBe(false);
    expect(ruleMatches(rule('Contains', 'installers'), undefined)).toBe(false);
  });
});

describe('resolveRole', () => {
  const rules: RoleMapping = {
    Type: 'Rules',
    AmbiguousRoleResolution: 'Deny',
    RulesConfiguration: {
      Rules: [
        { Claim: 'cognito:groups', MatchType: 'Contains', Value: 'leads', RoleARN: LEAD },
        { Claim: 'cognito:groups', MatchType: 'Contains', Value: 'installers', RoleARN: INSTALLER },
      ],
    },
  };

  it('lets the first matching rule win', () => {
    expect(
      resolveRole({
        mapping: rules,
        claims: { 'cognito:groups': ['installers', 'leads'] },
        authenticatedRoleArn: SIGNED_IN,
      }),
    ).toEqual({ outcome: 'role', roleArn: LEAD, reason: 'rule' });
    expect(
      resolveRole({
        mapping: rules,
        claims: { 'cognito:groups': ['installers'] },
        authenticatedRoleArn: SIGNED_IN,
      }),
    ).toEqual({ outcome: 'role', roleArn: INSTALLER, reason: 'rule' });
  });

  it('applies the ambiguous resolution when no rule matches', () => {
    expect(resolveRole({ mapping: rules, claims: {}, authenticatedRoleArn: SIGNED_IN })).toEqual({
      outcome: 'deny',
    });
    const lenient: RoleMapping = { ...rules, AmbiguousRoleResolution: 'AuthenticatedRole' };
    expect(resolveRole({ mapping: lenient, claims: {}, authenticatedRoleArn: SIGNED_IN })).toEqual({
      outcome: 'role',
      roleArn: SIGNED_IN,
      reason: 'authenticated-role',
    });
    expect(resolveRole({ mapping: lenient, claims: {}, authenticatedRoleArn: undefined })).toEqual({
      outcome: 'no-authenticated-role',
    });
  });

  it('uses the authenticated role when the provider has no mapping', () => {
    expect(resolveRole({ mapping: undefined, claims: {}, authenticatedRoleArn: SIGNED_IN })).toMatchObject({
      roleArn: SIGNED_IN,
    });
  });

  it('reads roles from the token with a Token mapping', () => {
    const token: RoleMapping = { Type: 'Token', AmbiguousRoleResolution: 'Deny' };
    const claims = { 'cognito:roles': [INSTALLER, LEAD], 'cognito:preferred_role': LEAD };
    expect(resolveRole({ mapping: token, claims, authenticatedRoleArn: SIGNED_IN })).toEqual({
      outcome: 'role',
      roleArn: LEAD,
      reason: 'preferred-role',
    });
    expect(
      resolveRole({ mapping: token, claims, authenticatedRoleArn: SIGNED_IN, customRoleArn: INSTALLER }),
    ).toEqual({
      outcome: 'role',
      roleArn: INSTALLER,
      reason: 'custom-role',
    });
    expect(
      resolveRole({ mapping: token, claims, authenticatedRoleArn: SIGNED_IN, customRoleArn: SIGNED_IN }),
    ).toMatchObject({ roleArn: LEAD });
    expect(
      resolveRole({
        mapping: token,
        claims: { 'cognito:roles': [INSTALLER, LEAD] },
        authenticatedRoleArn: SIGNED_IN,
      }),
    ).toEqual({ outcome: 'deny' });
  });
});

describe('roleMappingSchema', () => {
  it('allows at most 25 rules and at least one', () => {
    const mapping = (count: number) => ({
      Type: 'Rules',
      AmbiguousRoleResolution: 'Deny',
      RulesConfiguration: { Rules: Array.from({ length: count }, () => rule('Equals', 'x')) },
    });
    expect(roleMappingSchema.safeParse(mapping(25)).success).toBe(true);
    expect(roleMappingSchema.safeParse(mapping(26)).success).toBe(false);
    expect(roleMappingSchema.safeParse(mapping(0)).success).toBe(false);
  });

  it('refuses unknown match types and non-role ARNs', () => {
    const base = { Type: 'Rules', AmbiguousRoleResolution: 'Deny' };
    expect(
      roleMappingSchema.safeParse({
        ...base,
        RulesConfiguration: { Rules: [{ ...rule('Equals', 'x'), MatchType: 'Like' }] },
      }).success,
    ).toBe(false);
    expect(
      roleMappingSchema.safeParse({
        ...base,
        RulesConfiguration: {
          Rules: [{ ...rule('Equals', 'x'), RoleARN: 'arn:aws:iam::123456789012:user/bob' }],
        },
      }).success,
    ).toBe(false);
  });
});

import { z } from 'zod';

/** Identity pool role mappings, in the shape of the SetIdentityPoolRoles API. */

export const mappingRuleSchema = z.object({
  Claim: z.string().min(1).max(64),
  MatchType: z.enum(['Equals', 'Contains', 'StartsWith', 'NotEqual']),
  Value: z.string().min(1).max(128),
  RoleARN: z.string().regex(/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/, 'RoleARN must be an IAM role ARN'),
});
export type MappingRule = z.infer<typeof mappingRuleSchema>;

export const roleMappingSchema = z.discriminatedUnion('Type', [
  z.object({
    Type: z.literal('Token'),
    AmbiguousRoleResolution: z.enum(['AuthenticatedRole', 'Deny']),
  }),
  z.object({
    Type: z.literal('Rules'),
    AmbiguousRoleResolution: z.enum(['AuthenticatedRole', 'Deny']),
    RulesConfiguration: z.object({ Rules: z.array(mappingRuleSchema).min(1).max(25) }),
  }),
]);
export type RoleMapping = z.infer<typeof roleMappingSchema>;

export type RoleDecision =
  | {
      outcome: 'role';
      roleArn: string;
      reason: 'rule' | 'custom-role' | 'preferred-role' | 'authenticated-role';
    }
  | { outcome: 'deny' }
  | { outcome: 'no-authenticated-role' };

/**
 * Whether one claim value satisfies a rule. Multi-valued claims (`cognito:groups`) are tested element
 * by element: Equals/Contains/StartsWith hold when some element does; NotEqual when no element equals.
 */
export function ruleMatches(rule: MappingRule, claimValue: unknown): boolean {
  const values = Array.isArray(claimValue)
    ? claimValue.map(String)
    : claimValue === undefined || claimValue === null
      ? []
      : [String(claimValue)];
  switch (rule.MatchType) {
    case 'Equals':
      return values.some((value) => value === rule.Value);
    case 'Contains':
      return values.some((value) => value.includes(rule.Value));
    case 'StartsWith':
      return values.some((value) => value.startsWith(rule.Value));
    case 'NotEqual':
      return values.length > 0 && values.every((value) => value !== rule.Value);
  }
}

/**
 * The role an identity gets. Rules: the first matching rule wins. Token: a requested CustomRoleArn
 * is honoured only when the token lists it in `cognito:roles`, else `cognito:preferred_role`. With
 * no decision, AmbiguousRoleResolution picks the pool's authenticated role or denies. Without any
 * mapping for the provider, the authenticated role applies.
 */
export function resolveRole(input: {
  mapping: RoleMapping | undefined;
  claims: Record<string, unknown>;
  authenticatedRoleArn: string | undefined;
  customRoleArn?: string;
}): RoleDecision {
  const { mapping, claims, authenticatedRoleArn, customRoleArn } = input;
  const fallback = (): RoleDecision =>
    authenticatedRoleArn
      ? { outcome: 'role', roleArn: authenticatedRoleArn, reason: 'authenticated-role' }
      : { outcome: 'no-authenticated-role' };
  if (!mapping) return fallback();
  if (mapping.Type === 'Rules') {
    const rule = mapping.RulesConfiguration.Rules.find((candidate) =>
      ruleMatches(candidate, claims[candidate.Claim]),
    );
    if (rule) return { outcome: 'role', roleArn: rule.RoleARN, reason: 'rule' };
  } else {
    const roles = Array.isArray(claims['cognito:roles']) ? claims['cognito:roles'].map(String) : [];
    if (customRoleArn !== undefined && roles.includes(customRoleArn)) {
      return { outcome: 'role', roleArn: customRoleArn, reason: 'custom-role' };
    }
    const preferred = claims['cognito:preferred_role'];
    if (typeof preferred === 'string' && preferred !== '') {
      return { outcome: 'role', roleArn: preferred, reason: 'preferred-role' };
    }
  }
  return mapping.AmbiguousRoleResolution === 'Deny' ? { outcome: 'deny' } : fallback();
}

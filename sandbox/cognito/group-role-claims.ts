/** A user pool group as the token claims need it. */
export interface GroupForClaims {
  groupName: string;
  /** Lower wins; a group without precedence ranks after every group with one. */
  precedence?: number;
  roleArn?: string;
}

export interface GroupRoleClaims {
  'cognito:groups'?: string[];
  'cognito:roles'?: string[];
  'cognito:preferred_role'?: string;
}

/**
 * The group claims Cognito puts in ID tokens: every group (by precedence, then name), every distinct
 * role, and the preferred role, which is the role of the group with the lowest precedence. When
 * several groups share that lowest precedence and their roles differ, no role is preferred.
 */
export function groupRoleClaims(groups: readonly GroupForClaims[]): GroupRoleClaims {
  if (groups.length === 0) return {};
  const rank = (group: GroupForClaims): number => group.precedence ?? Number.POSITIVE_INFINITY;
  const ordered = [...groups].sort((a, b) => rank(a) - rank(b) || a.groupName.localeCompare(b.groupName));
  const claims: GroupRoleClaims = { 'cognito:groups': ordered.map((group) => group.groupName) };
  const withRoles = ordered.filter((group) => group.roleArn !== undefined);
  if (withRoles.length === 0) return claims;
  claims['cognito:roles'] = [...new Set(withRoles.map((group) => group.roleArn as string))];
  const best = rank(withRoles[0] as GroupForClaims);
  const bestRoles = new Set(withRoles.filter((group) => rank(group) === best).map((group) => group.roleArn));
  if (bestRoles.size === 1) claims['cognito:preferred_role'] = [...bestRoles][0];
  return claims;
}

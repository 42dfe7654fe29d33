import { describe, expect, it } from 'vitest';
import { groupRoleClaims } from '../../../sandbox/cognito/group-role-claims.js';

const A = 'arn:aws:iam::123456789012:role/A';
const B = 'arn:aws:iam::123456789012:role/B';

describe('groupRoleClaims', () => {
  it('is empty for a user in no group', () => {
    expect(groupRoleClaims([])).toEqual({});
  });

  it('prefers the role of the group with the lowest precedence', () => {
    expect(
      groupRoleClaims([
        { groupName: 'installers', precedence: 10, roleArn: A },
        { groupName: 'leads', precedence: 2, roleArn: B },
      ]),
    ).toEqual({
      'cognito:groups': ['leads', 'installers'],
      'cognito:roles': [B, A],
      'cognito:preferred_role': B,
    });
  });

  it('leaves the preferred role unset when equal precedence carries different roles', () => {
    const claims = groupRoleClaims([
      { groupName: 'installers', precedence: 1, roleArn: A },
      { groupName: 'leads', precedence: 1, roleArn: B },
    ]);
    expect(claims['cognito:roles']).toEqual([A, B]);
    expect(claims['cognito:preferred_role']).toBeUndefined();
  });

  it('keeps the preferred role when equal precedence carries the same role', () => {
    const claims = groupRoleClaims([
      { groupName: 'installers', precedence: 1, roleArn: A },
      { groupName: 'trainees', precedence: 1, roleArn: A },
    ]);
    expect(claims['cognito:roles']).toEqual([A]);
    expect(claims['cognito:preferred_role']).toBe(A);
  });

  it('ranks groups without precedence last and ignores groups without roles for roles', () => {
    expect(
      groupRoleClaims([
        { groupName: 'unranked', roleArn: A },
        { groupName: 'auditors', precedence: 0 },
        { groupName: 'leads', precedence: 5, roleArn: B },
      ]),
    ).toEqual({
      'cognito:groups': ['auditors', 'leads', 'unranked'],
      'cognito:roles': [B, A],
      'cognito:preferred_role': B,
    });
  });
});

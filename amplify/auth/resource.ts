import { defineAuth } from '@aws-amplify/backend';
import type {
  CfnIdentityPool,
  CfnIdentityPoolRoleAttachment,
  CfnUserPool,
  CfnUserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { ADMINS_GROUP, groupPrecedence, INSTALLERS_GROUP } from '../../backend-definition/names.js';
import { userPoolPolicy } from '../../backend-definition/user-pool-policy.js';

/**
 * The operators' user pool and identity pool, with backend-definition's userPoolPolicy. Fleet
 * credentials hang on a sign-in, so TOTP MFA is REQUIRED (authenticator apps; the station enters the code). Each group gets its own IAM role and
 * the identity pool maps it from the ID token (`cognito:preferred_role`); the installers' role gets
 * its IoT rights in the provisioning stack, the admins' role gets none.
 */
export const auth = defineAuth({
  // Amplify offers email or phone as the sign-in name only; configureSignIn below makes it a username.
  loginWith: { email: true },
  multifactor: { mode: userPoolPolicy.mfa, totp: userPoolPolicy.totp },
  groups: [INSTALLERS_GROUP, ADMINS_GROUP],
});

/** The parts of `backend.auth.resources` that configureSignIn changes. */
interface AuthOverrides {
  cfnResources: {
    cfnUserPool: CfnUserPool;
    cfnIdentityPool: CfnIdentityPool;
    cfnIdentityPoolRoleAttachment: CfnIdentityPoolRoleAttachment;
  };
  authenticatedUserIamRole: IRole;
  groups: Record<string, { cfnUserGroup: CfnUserPoolGroup }>;
}

/**
 * What defineAuth cannot say, set on the generated CloudFormation resources:
 * - sign in with a username, or with the email address as an alias of it (a bench shares
 *   accounts less when an operator can be `bench-3-anna`). CloudFormation REPLACES a user pool
 *   when UsernameAttributes or AliasAttributes change: changing this on a deployed pool deletes
 *   every operator and their MFA enrolment. Decide before the first deploy.
 * - operators are created by an administrator only (no self sign-up with the app client id that
 *   every station carries in its amplify_outputs.json);
 * - no guest (unauthenticated) identities: every AWS credential belongs to a signed-in operator,
 *   and the unused guest role is not mapped at all;
 * - group precedence from backend-definition (the lower wins when a user is in both groups).
 */
export function configureSignIn(resources: AuthOverrides): void {
  const { cfnUserPool, cfnIdentityPool, cfnIdentityPoolRoleAttachment } = resources.cfnResources;
  cfnUserPool.usernameAttributes = undefined;
  cfnUserPool.aliasAttributes = [...userPoolPolicy.signInAliases];
  cfnUserPool.adminCreateUserConfig = { allowAdminCreateUserOnly: userPoolPolicy.adminCreateUserOnly };
  cfnIdentityPool.allowUnauthenticatedIdentities = userPoolPolicy.guestAccess;
  cfnIdentityPoolRoleAttachment.roles = { authenticated: resources.authenticatedUserIamRole.roleArn };
  for (const [group, precedence] of Object.entries(groupPrecedence)) {
    const entry = resources.groups[group];
    if (!entry) throw new Error(`defineAuth made no group ${group}`);
    entry.cfnUserGroup.precedence = precedence;
  }
}

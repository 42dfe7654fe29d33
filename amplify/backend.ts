import { defineBackend } from '@aws-amplify/backend';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { retireReplacedCertificatesFrom } from '../backend-definition/installer-policy.js';
import { INSTALLERS_GROUP } from '../backend-definition/names.js';
import { auth, configureSignIn } from './auth/resource.js';
import { preProvisioningHook } from './functions/pre-provisioning-hook/resource.js';
import { backendIdentityFromContext, deploymentNames } from './provisioning/deployment-names.js';
import { defineProvisioning } from './provisioning/resource.js';

/**
 * The device maker's AWS side (Amplify Gen 2): operators sign in through auth, the installers
 * group's role may create provisioning claims for one template, and the provisioning stack holds
 * that template. `npx ampx sandbox` or `npx ampx pipeline-deploy` deploys it and writes
 * amplify_outputs.json, the one file the station imports.
 */
const backend = defineBackend({ auth, preProvisioningHook });

configureSignIn(backend.auth.resources);

const identity = backendIdentityFromContext((key) => backend.stack.node.tryGetContext(key));
// A deployed branch keeps its operators: deleting the branch (or its stack) must not delete every
// operator and their MFA enrolment. A personal sandbox stays deletable.
if (identity.type !== 'sandbox') {
  const { cfnUserPool } = backend.auth.resources.cfnResources;
  cfnUserPool.deletionProtection = 'ACTIVE';
  cfnUserPool.applyRemovalPolicy(RemovalPolicy.RETAIN);
}
const installers = backend.auth.resources.groups[INSTALLERS_GROUP];
if (!installers) throw new Error(`defineAuth made no ${INSTALLERS_GROUP} group`);
const provisioning = defineProvisioning(backend.createStack('provisioning'), {
  names: deploymentNames(identity),
  hook: backend.preProvisioningHook.resources.lambda,
  installersRole: installers.role,
  keepDevicePolicy: identity.type !== 'sandbox',
  // RETIRE_REPLACED_CERTIFICATES=false leaves UpdateCertificate and DetachThingPrincipal on cert/*
  // out of the installers' rights (backend-definition/installer-policy.ts says why one would).
  installerPolicy: { retireReplacedCertificates: retireReplacedCertificatesFrom(process.env) },
});

// How long an operator stays signed in: set on the app client and told to the station, which cannot
// read it from the refresh token and says by when the operator must sign in again.
const refreshTokenValidity = Duration.days(30);
const { cfnUserPoolClient } = backend.auth.resources.cfnResources;
cfnUserPoolClient.refreshTokenValidity = refreshTokenValidity.toMinutes();
cfnUserPoolClient.tokenValidityUnits = { ...cfnUserPoolClient.tokenValidityUnits, refreshToken: 'minutes' };

// What the station reads beside `auth` (src/main/core/profiles/amplify-outputs-profile.ts).
backend.addOutput({
  custom: {
    provisioningStation: {
      name: `${identity.type === 'sandbox' ? `Sandbox ${identity.name}` : identity.name} (${backend.stack.region})`,
      templateName: provisioning.templateName,
      iotDataEndpoint: provisioning.dataEndpoint,
      installersGroup: INSTALLERS_GROUP,
      refreshTokenValiditySeconds: refreshTokenValidity.toSeconds(),
    },
  },
});

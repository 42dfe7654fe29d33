import { createHash } from 'node:crypto';
import { DEVICE_POLICY_NAME } from '../../backend-definition/names.js';

/** Which Amplify backend is being synthesized: what `ampx sandbox` / `ampx pipeline-deploy` put in the CDK context. */
export interface BackendIdentity {
  /** The app: package name (sandbox) or Amplify app id (branch). */
  namespace: string;
  /** The developer (sandbox) or the branch. */
  name: string;
  type: 'sandbox' | 'branch' | 'standalone';
}

/**
 * IoT template and policy names are unique per account and region, so the fixed names the sandbox
 * seeds (backend-definition/names.ts) would collide as soon as two backends share an account: two
 * developers' `ampx sandbox`, or a `main` and a `staging` branch. A deployment therefore carries
 * its backend's name (readable in the IoT console) and a hash of its whole identity (unique even
 * where names are cut short or sanitized). The custom outputs carry these real names to the
 * station. They depend on nothing but the identity, so every deploy of a backend keeps them.
 */
export interface DeploymentNames {
  /** Fleet Provisioning template: 1-36 of `[0-9A-Za-z_-]`. */
  templateName: string;
  /** AWS IoT policy attached to every provisioned device: 1-128 of `[\w+=,.@-]`. */
  devicePolicyName: string;
}

const TEMPLATE_PREFIX = 'Station';
const TEMPLATE_NAME_LIMIT = 36;
const HASH_LENGTH = 8;

export function deploymentNames(identity: BackendIdentity): DeploymentNames {
  const hash = createHash('sha256')
    .update(JSON.stringify([identity.namespace, identity.name, identity.type]))
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const label = identity.name.replace(/[^0-9A-Za-z_-]+/g, '-').replace(/^-+|-+$/g, '') || identity.type;
  const room = TEMPLATE_NAME_LIMIT - TEMPLATE_PREFIX.length - HASH_LENGTH - 2;
  return {
    templateName: `${TEMPLATE_PREFIX}-${label.slice(0, room).replace(/-+$/, '')}-${hash}`,
    devicePolicyName: `${DEVICE_POLICY_NAME}-${label.slice(0, 64)}-${hash}`,
  };
}

/** The backend identity from the CDK context that Amplify's deployer (or the offline synth) sets. */
export function backendIdentityFromContext(tryGetContext: (key: string) => unknown): BackendIdentity {
  const read = (key: string) => {
    const value = tryGetContext(key);
    if (typeof value !== 'string' || value.length === 0) {
      throw new Error(
        `CDK context ${key} is missing: run this backend through ampx (or set CDK_CONTEXT_JSON)`,
      );
    }
    return value;
  };
  const type = read('amplify-backend-type');
  if (type !== 'sandbox' && type !== 'branch' && type !== 'standalone') {
    throw new Error(`CDK context amplify-backend-type is ${type}; expected sandbox, branch or standalone`);
  }
  return { namespace: read('amplify-backend-namespace'), name: read('amplify-backend-name'), type };
}

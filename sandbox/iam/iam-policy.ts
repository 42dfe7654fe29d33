import type { PolicyStatement } from '../../backend-definition/policy-document.js';

/** IAM / AWS IoT policy documents, as AWS writes them (Action and Resource may be one string or a list). */
export type { PolicyStatement };

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

/** A role the identity pool can hand out and the IoT control plane authorizes against. */
export interface RoleDefinition {
  roleArn: string;
  /** Inline policies; evaluated with explicit Deny winning over Allow, default deny. */
  policies: PolicyDocument[];
}

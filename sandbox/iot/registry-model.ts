import type { PolicyDocument } from '../iam/iam-policy.js';

/**
 * The records of the sandbox's AWS IoT registry. The control plane (DescribeThing, ...) reads them,
 * Fleet Provisioning over MQTT writes them. All timestamps are milliseconds since the epoch.
 */

export type CertificateStatus =
  'ACTIVE' | 'INACTIVE' | 'REVOKED' | 'PENDING_TRANSFER' | 'REGISTER_INACTIVE' | 'PENDING_ACTIVATION';

export interface CertificateRecord {
  /** Lowercase hex SHA-256 of the certificate DER. */
  certificateId: string;
  certificateArn: string;
  certificatePem: string;
  status: CertificateStatus;
  creationDate: number;
  lastModifiedDate: number;
  /** Fleet Provisioning: the ownership token issued with it and when it stops being valid. */
  ownershipToken?: string;
  ownershipTokenExpiresAt?: number;
  /** Set once RegisterThing consumed the token. */
  registered?: boolean;
}

/** A claim certificate from CreateProvisioningClaim: not an account certificate, never listed. */
export interface ProvisioningClaimRecord {
  certificateId: string;
  templateName: string;
  /** Milliseconds since the epoch. */
  expiration: number;
}

export interface ThingRecord {
  thingName: string;
  thingId: string;
  thingArn: string;
  thingTypeName?: string;
  attributes: Record<string, string>;
  thingGroups: string[];
  billingGroupName?: string;
  version: number;
  creationDate: number;
}

export interface IotPolicyRecord {
  policyName: string;
  policyArn: string;
  policyDocument: PolicyDocument;
  defaultVersionId: string;
  creationDate: number;
}

export interface PreProvisioningHookConfig {
  targetArn: string;
  payloadVersion?: string;
}

export interface ProvisioningTemplateRecord {
  templateName: string;
  templateArn: string;
  description?: string;
  /** The template JSON as a string, exactly as the caller sent it. */
  templateBody: string;
  enabled: boolean;
  provisioningRoleArn: string;
  preProvisioningHook?: PreProvisioningHookConfig;
  type: 'FLEET_PROVISIONING' | 'JITP';
  defaultVersionId: number;
  creationDate: number;
  lastModifiedDate: number;
}

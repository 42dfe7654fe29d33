/** IAM and AWS IoT policy documents as AWS writes them (Action and Resource one string or a list). */
export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/**
 * Builds the ARNs of one account and region. The sandbox passes its fixed region and account; the
 * Amplify backend passes CloudFormation's (tokens that resolve at deploy time).
 */
export interface ArnBuilder {
  /** `arn:<partition>:iot:<region>:<account>:<resource>` */
  iot(resource: string): string;
}

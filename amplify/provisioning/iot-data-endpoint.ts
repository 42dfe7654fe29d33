import type { Stack } from 'aws-cdk-lib';
import { aws_iam as iam, custom_resources as customResources } from 'aws-cdk-lib';
import { dataEndpointLookupPolicyDocument } from '../../backend-definition/data-endpoint-lookup-policy.js';

/**
 * The account's MQTT endpoint for devices (DescribeEndpoint `iot:Data-ATS`), looked up at deploy
 * time. CloudFormation has no attribute for it and it differs per account and region, so a
 * custom resource asks IoT once per deploy. Its Lambda's role may call iot:DescribeEndpoint, an
 * action IAM cannot scope to a resource (hence `*`), and nothing else.
 */
export function iotDataEndpoint(stack: Stack): string {
  const lookup = new customResources.AwsCustomResource(stack, 'IotDataEndpoint', {
    onUpdate: {
      service: 'Iot',
      action: 'describeEndpoint',
      parameters: { endpointType: 'iot:Data-ATS' },
      // The endpoint of an account and region never changes: one physical resource for good.
      physicalResourceId: customResources.PhysicalResourceId.of('iot-data-ats-endpoint'),
    },
    policy: customResources.AwsCustomResourcePolicy.fromStatements(
      dataEndpointLookupPolicyDocument().Statement.map((statement) =>
        iam.PolicyStatement.fromJson(statement),
      ),
    ),
    // The SDK in the Lambda runtime has DescribeEndpoint; installing the latest would download it at deploy.
    installLatestAwsSdk: false,
  });
  return lookup.getResponseField('endpointAddress');
}

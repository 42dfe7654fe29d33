import type { Stack } from 'aws-cdk-lib';
import { RemovalPolicy, aws_iam as iam, aws_iot as iot, aws_lambda as lambda } from 'aws-cdk-lib';
import { devicePolicyDocument } from '../../backend-definition/device-policy.js';
import {
  installerPolicyDocument,
  type InstallerPolicyOptions,
} from '../../backend-definition/installer-policy.js';
import { PRE_PROVISIONING_HOOK_PAYLOAD_VERSION } from '../../backend-definition/names.js';
import type { ArnBuilder } from '../../backend-definition/policy-document.js';
import {
  provisioningTemplateBody,
  provisioningTemplateDescription,
} from '../../backend-definition/provisioning-template.js';
import type { DeploymentNames } from './deployment-names.js';
import { iotDataEndpoint } from './iot-data-endpoint.js';

export interface ProvisioningProps {
  names: DeploymentNames;
  /** The pre-provisioning hook Lambda. */
  hook: lambda.IFunction;
  /** The installers group's role: it gets exactly installerPolicyDocument. */
  installersRole: iam.IRole;
  /**
   * Keep the device policy when the stack is deleted or replaced (deployed branches): every
   * provisioned device depends on it, and CloudFormation could not delete it while certificates
   * hold it anyway. A personal sandbox deletes it, so that it can be deployed again by the same name.
   * Its name depends on the backend's identity only, so a deleted branch redeployed under the same
   * name meets its kept policy and the deploy fails (policy exists): deploy under another branch
   * name, or delete the kept policy first where no device holds it any more (README).
   */
  keepDevicePolicy: boolean;
  /** Options of the installers' policy (whether they may retire replaced certificates). */
  installerPolicy?: InstallerPolicyOptions;
}

export interface Provisioning {
  templateName: string;
  /** The account's `iot:Data-ATS` host name (a deploy-time value). */
  dataEndpoint: string;
}

/**
 * The AWS IoT side of the backend, in its own stack: the Fleet Provisioning template with its
 * provisioning role, device policy and pre-provisioning hook, and the installers' rights on it.
 * Every document comes from backend-definition/, the same one the sandbox seeds; ARNs are built
 * from the stack's partition, region and account (never a literal `arn:aws`).
 */
export function defineProvisioning(stack: Stack, props: ProvisioningProps): Provisioning {
  const { templateName, devicePolicyName } = props.names;
  const arns: ArnBuilder = { iot: (resource) => stack.formatArn({ service: 'iot', resource }) };

  // AWS IoT assumes this role to create the thing, activate the certificate and attach the policy.
  const provisioningRole = new iam.Role(stack, 'ProvisioningRole', {
    description: `Lets AWS IoT register devices through the ${templateName} template`,
    assumedBy: new iam.ServicePrincipal('iot.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSIoTThingsRegistration')],
  });

  const devicePolicy = new iot.CfnPolicy(stack, 'DevicePolicy', {
    policyName: devicePolicyName,
    policyDocument: devicePolicyDocument(arns),
  });
  devicePolicy.applyRemovalPolicy(props.keepDevicePolicy ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);

  // Only AWS IoT, only for this account, only for a provisioning template may invoke the hook. AWS
  // IoT's pre-provisioning hook page asks for source-arn or source-account but documents no exact
  // SourceArn that IoT sends; a guessed template ARN that IoT does not send would refuse every
  // device. Lambda matches SourceArn with ArnLike, so `provisioningtemplate/*` holds whichever
  // template ARN IoT sends, while SourceAccount keeps other accounts' templates out.
  const hookPermission = new lambda.CfnPermission(stack, 'PreProvisioningHookPermission', {
    action: 'lambda:InvokeFunction',
    functionName: props.hook.functionArn,
    principal: 'iot.amazonaws.com',
    sourceAccount: stack.account,
    sourceArn: arns.iot('provisioningtemplate/*'),
  });

  const template = new iot.CfnProvisioningTemplate(stack, 'ProvisioningTemplate', {
    templateName,
    description: provisioningTemplateDescription,
    templateType: 'FLEET_PROVISIONING',
    enabled: true,
    provisioningRoleArn: provisioningRole.roleArn,
    // The body names the policy literally (no token), so it stays the plain JSON of backend-definition.
    templateBody: JSON.stringify(provisioningTemplateBody(devicePolicyName)),
    preProvisioningHook: {
      targetArn: props.hook.functionArn,
      payloadVersion: PRE_PROVISIONING_HOOK_PAYLOAD_VERSION,
    },
  });
  // Devices can provision as soon as the template exists: its policy and hook permission first.
  template.addResourceDependency(devicePolicy);
  template.addResourceDependency(hookPermission);

  const installersPolicy = new iam.Policy(stack, 'InstallersProvisioningPolicy', {
    document: iam.PolicyDocument.fromJson(installerPolicyDocument(arns, templateName, props.installerPolicy)),
  });
  props.installersRole.attachInlinePolicy(installersPolicy);

  return { templateName, dataEndpoint: iotDataEndpoint(stack) };
}

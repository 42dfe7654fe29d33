import { DEFAULT_CLIENT_CONFIG_VERSION, generateClientConfig } from '@aws-amplify/client-config';
import type { CloudFormationResolver } from '../../support/resolve-cloudformation.js';
import type { SynthesizedBackend } from '../../support/synthesize-backend.js';

/**
 * The amplify_outputs.json that `ampx` would write for this backend once deployed: Amplify's own
 * writer (@aws-amplify/client-config, what ampx calls) reading the root stack's metadata and its
 * outputs from a CloudFormation stand-in that answers with the synthesized template, its outputs
 * resolved for the test account. Any other AWS call fails the test.
 */
export async function amplifyOutputsOf(
  backend: SynthesizedBackend,
  resolver: CloudFormationResolver,
): Promise<Record<string, unknown>> {
  const root = backend.stacks.root;
  const stackName = root.fileName.replace(/\.template\.json$/, '');
  const outputs = Object.entries(root.template.Outputs ?? {}).map(([key, output]) => ({
    OutputKey: key,
    OutputValue: resolver.resolveString('root', output.Value),
  }));
  const answer = (command: object) => {
    const name = command.constructor.name;
    if (name === 'GetTemplateSummaryCommand') return { Metadata: JSON.stringify(root.template.Metadata) };
    if (name === 'DescribeStacksCommand') {
      return { Stacks: [{ StackName: stackName, StackStatus: 'CREATE_COMPLETE', Outputs: outputs }] };
    }
    throw new Error(`amplify_outputs.json stand-in: unexpected AWS call ${name}`);
  };
  const refuse = (command: object) => {
    throw new Error(`amplify_outputs.json stand-in: unexpected AWS call ${command.constructor.name}`);
  };
  type Clients = NonNullable<Parameters<typeof generateClientConfig>[2]>;
  const clients = {
    getCloudFormationClient: () => ({ send: async (command: object) => answer(command) }),
    getS3Client: () => ({ send: async (command: object) => refuse(command) }),
    getAmplifyClient: () => ({ send: async (command: object) => refuse(command) }),
  } as unknown as Clients;
  const config = await generateClientConfig({ stackName }, DEFAULT_CLIENT_CONFIG_VERSION, clients);
  return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
}

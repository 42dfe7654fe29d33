import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * Synthesizes the Amplify backend (amplify/backend.ts) offline, the way `ampx` does it minus the
 * deploy: the backend file runs under tsx with CDK_OUTDIR and the backend identity in
 * CDK_CONTEXT_JSON, and writes a CloudFormation assembly (a root stack with one nested stack per
 * Amplify resource group). No AWS account, no network. It runs in a child process because an
 * Amplify backend is a one-per-process singleton.
 */

export const repositoryRoot = resolve(import.meta.dirname, '../..');

/** The nested stacks of this backend by what they hold, and the root stack that nests them. */
export type StackRole = 'root' | 'auth' | 'function' | 'provisioning';
const nestedRoles = ['auth', 'function', 'provisioning'] as const;

export interface CloudFormationResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Condition?: string;
  Metadata?: Record<string, unknown>;
}

export interface CloudFormationTemplate {
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CloudFormationResource>;
  Outputs?: Record<string, { Value: unknown }>;
  Metadata?: Record<string, unknown>;
}

export interface SynthesizedStack {
  role: StackRole;
  /** The template file in the assembly. */
  fileName: string;
  template: CloudFormationTemplate;
  /** For a nested stack: the root's AWS::CloudFormation::Stack resource that creates it. */
  nestedStackLogicalId?: string;
}

/** Which backend is synthesized: what `ampx sandbox` / `ampx pipeline-deploy` pass as CDK context. */
export interface BackendIdentityContext {
  namespace: string;
  name: string;
  type: 'sandbox' | 'branch';
}

export interface SynthesizedBackend {
  outDir: string;
  identity: BackendIdentityContext;
  stacks: Record<StackRole, SynthesizedStack>;
  /** The Lambda code assets (directories in outDir) by the logical id of the function using them. */
  lambdaAssets: Record<string, string>;
  /** The backend inputs the synth ran with (SynthesizeOptions.environment). */
  environment: Readonly<Record<string, string>>;
  durationMs: number;
}

export interface SynthesizeOptions {
  identity?: BackendIdentityContext;
  /** Extra environment of the synth (e.g. the hook's SERIAL_NUMBER_PATTERN); everything else is cleared. */
  environment?: Record<string, string>;
}

const defaultIdentity: BackendIdentityContext = {
  namespace: 'provisioning-station',
  name: 'tester',
  type: 'sandbox',
};

/** Variables the backend reads at synth; the caller's own values must not leak into a test. */
const backendInputs = ['SERIAL_NUMBER_PATTERN', 'DENIED_SERIAL_NUMBERS', 'RETIRE_REPLACED_CERTIFICATES'];

export async function synthesizeBackend(
  outDir: string,
  options: SynthesizeOptions = {},
): Promise<SynthesizedBackend> {
  const identity = options.identity ?? defaultIdentity;
  const environment: NodeJS.ProcessEnv = { ...process.env };
  for (const name of backendInputs) delete environment[name];
  Object.assign(environment, options.environment, {
    CDK_OUTDIR: outDir,
    CDK_CONTEXT_JSON: JSON.stringify({
      'amplify-backend-namespace': identity.namespace,
      'amplify-backend-name': identity.name,
      'amplify-backend-type': identity.type,
    }),
  });
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const started = Date.now();
  try {
    // The repository root as working directory: CDK finds package-lock.json there to bundle the hook.
    await promisify(execFile)(process.execPath, [tsxCli, 'amplify/backend.ts'], {
      cwd: repositoryRoot,
      env: environment,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`amplify/backend.ts did not synthesize:\n${stderr ?? ''}${stdout ?? ''}`, {
      cause: error,
    });
  }
  return {
    ...readAssembly(outDir),
    outDir,
    identity,
    environment: { ...options.environment },
    durationMs: Date.now() - started,
  };
}

/** Reads an assembly that synthesizeBackend (or ampx) wrote. */
export function readAssembly(outDir: string): Pick<SynthesizedBackend, 'stacks' | 'lambdaAssets'> {
  const files = readdirSync(outDir);
  const rootFile = files.find((file) => /^amplify-.*\.template\.json$/.test(file));
  if (!rootFile) throw new Error(`no root template in ${outDir}: ${files.join(', ')}`);
  const root = readTemplate(outDir, rootFile);

  // The root refers to a nested template by its asset's object key; the asset manifest names the file.
  const assets = JSON.parse(
    readFileSync(join(outDir, rootFile.replace('.template.json', '.assets.json')), 'utf8'),
  ) as {
    files: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
  };
  const fileByObjectKey = new Map<string, string>();
  for (const asset of Object.values(assets.files)) {
    for (const destination of Object.values(asset.destinations)) {
      fileByObjectKey.set(destination.objectKey, asset.source.path);
    }
  }

  const stacks: Partial<Record<StackRole, SynthesizedStack>> = {
    root: { role: 'root', fileName: rootFile, template: root },
  };
  for (const [logicalId, resource] of Object.entries(root.Resources)) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const role = nestedRoles.find((candidate) => new RegExp(`^${candidate}[0-9A-F]{8}$`).test(logicalId));
    if (!role) throw new Error(`nested stack ${logicalId} is none of ${nestedRoles.join(', ')}`);
    const objectKey = JSON.stringify(resource.Properties?.TemplateURL).match(/\/([0-9a-f]{64}\.json)/)?.[1];
    const fileName = objectKey && fileByObjectKey.get(objectKey);
    if (!fileName) throw new Error(`no template file for nested stack ${logicalId}`);
    stacks[role] = {
      role,
      fileName,
      template: readTemplate(outDir, fileName),
      nestedStackLogicalId: logicalId,
    };
  }
  for (const role of nestedRoles) {
    if (!stacks[role]) throw new Error(`the assembly in ${outDir} has no ${role} stack`);
  }

  // A function's code is a zip asset too: its S3 key is the object key of a directory in outDir.
  const lambdaAssets: Record<string, string> = {};
  for (const stack of Object.values(stacks)) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      const code = resource.Properties?.Code as { S3Key?: unknown } | undefined;
      const directory = typeof code?.S3Key === 'string' ? fileByObjectKey.get(code.S3Key) : undefined;
      if (resource.Type === 'AWS::Lambda::Function' && directory)
        lambdaAssets[logicalId] = join(outDir, directory);
    }
  }
  return { stacks: stacks as Record<StackRole, SynthesizedStack>, lambdaAssets };
}

function readTemplate(outDir: string, fileName: string): CloudFormationTemplate {
  return JSON.parse(readFileSync(join(outDir, fileName), 'utf8')) as CloudFormationTemplate;
}

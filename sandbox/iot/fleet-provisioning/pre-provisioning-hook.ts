import { z } from 'zod';

/**
 * The pre-provisioning hook. In AWS it is a Lambda; in the sandbox the template's `targetArn` maps
 * to a local function or to an HTTP URL on loopback that receives the event as a JSON POST. AWS's
 * rules hold: at most 5 s, and anything but `allowProvisioning: true` refuses the device.
 */

export interface PreProvisioningHookEvent {
  claimCertificateId: string;
  certificateId: string;
  certificatePem: string;
  templateArn: string;
  clientId: string;
  parameters: Record<string, string>;
}

export type PreProvisioningHookFunction = (event: PreProvisioningHookEvent) => unknown;

/** A local function, or an `http://127.0.0.1:…` / `http://localhost:…` URL. */
export type PreProvisioningHookTarget = PreProvisioningHookFunction | string;

export const hookResponseSchema = z.object({
  allowProvisioning: z.boolean(),
  parameterOverrides: z.record(z.string(), z.string()).optional(),
});

export type HookOutcome =
  { allowed: true; parameterOverrides: Record<string, string> } | { allowed: false; reason: string };

export const DEFAULT_HOOK_TIMEOUT_MS = 5000;

export function isLoopbackUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

async function callTarget(
  target: PreProvisioningHookTarget,
  event: PreProvisioningHookEvent,
  signal: AbortSignal,
): Promise<unknown> {
  if (typeof target === 'function') return await target(event);
  const response = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
    signal,
  });
  if (!response.ok) throw new Error(`the hook URL answered HTTP ${response.status}`);
  return (await response.json()) as unknown;
}

export async function runPreProvisioningHook(
  target: PreProvisioningHookTarget | undefined,
  targetArn: string,
  event: PreProvisioningHookEvent,
  timeoutMs = DEFAULT_HOOK_TIMEOUT_MS,
): Promise<HookOutcome> {
  if (target === undefined) {
    return { allowed: false, reason: `no local hook or loopback URL is configured for ${targetArn}` };
  }
  if (typeof target === 'string' && !isLoopbackUrl(target)) {
    return { allowed: false, reason: `hook URL ${target} is not an http URL on loopback` };
  }
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const answer = await Promise.race([callTarget(target, event, controller.signal), timeout]);
    if (answer === 'timeout') {
      controller.abort();
      return { allowed: false, reason: `the hook did not answer within ${timeoutMs} ms` };
    }
    const parsed = hookResponseSchema.safeParse(answer);
    if (!parsed.success)
      return {
        allowed: false,
        reason: 'the hook answer is not {allowProvisioning: boolean, parameterOverrides?}',
      };
    if (parsed.data.allowProvisioning !== true)
      return { allowed: false, reason: 'the hook answered allowProvisioning: false' };
    return { allowed: true, parameterOverrides: parsed.data.parameterOverrides ?? {} };
  } catch (error) {
    return { allowed: false, reason: `the hook failed: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../clock.js';
import type { RoleDefinition } from '../../iam/iam-policy.js';
import { evaluatePolicies } from '../../iam/iam-policy-evaluator.js';
import type { IssuedCredentials, TemporaryCredentialStore } from '../../iam/temporary-credential-store.js';
import type { CertificateAuthority } from '../certificate-authority.js';
import type { IotRegistry } from '../iot-registry.js';
import { AwsApiError, toApiError } from './aws-api-error.js';
import { describeCertificate, listCertificates, updateCertificate } from './certificate-operations.js';
import { checkedDataEndpointHost, describeEndpoint } from './endpoint-operations.js';
import type { IotOperation, OperationContext } from './iot-operation.js';
import { OperationRouter } from './operation-router.js';
import { OperationThrottle, type ThrottleOptions } from './operation-throttle.js';
import { createPolicy, getPolicy } from './policy-operations.js';
import {
  createProvisioningClaim,
  createProvisioningTemplate,
  describeProvisioningTemplate,
  listProvisioningTemplates,
  updateProvisioningTemplate,
} from './provisioning-template-operations.js';
import { parseQuery } from './request-query.js';
import { SigV4Verifier } from './sigv4-verifier.js';
import { describeThing, detachThingPrincipal, listThingPrincipals, listThings } from './thing-operations.js';

/** Every operation the sandbox's IoT control plane serves. */
export const iotOperations: readonly IotOperation[] = [
  createProvisioningTemplate,
  describeProvisioningTemplate,
  listProvisioningTemplates,
  updateProvisioningTemplate,
  createProvisioningClaim,
  describeThing,
  listThings,
  listThingPrincipals,
  detachThingPrincipal,
  describeCertificate,
  updateCertificate,
  listCertificates,
  describeEndpoint,
  createPolicy,
  getPolicy,
];

export interface IotControlPlaneOptions {
  registry: IotRegistry;
  certificateAuthority: CertificateAuthority;
  /** Where the identity pool's credentials are looked up to verify signatures. */
  credentials: TemporaryCredentialStore;
  /** The roles credentials can be issued for; a caller's role policies decide what it may do. */
  roles: readonly RoleDefinition[];
  clock: Clock;
  /**
   * The MQTT broker's host name without a port, answered by DescribeEndpoint for `iot:Data-ATS`
   * as AWS answers it; devices get the port elsewhere (the station profile; 8883 on AWS).
   */
  dataEndpointHost: string;
  /** Lifetime of CreateProvisioningClaim certificates; AWS's is 300 s. */
  claimValiditySeconds?: number;
  throttle?: ThrottleOptions;
  /** Allowed request clock skew; AWS allows 5 minutes. */
  maxClockSkewMs?: number;
  /** One entry per request; never contains keys, tokens or certificates. */
  log?: (entry: ControlPlaneLogEntry) => void;
}

export interface ControlPlaneLogEntry {
  requestId: string;
  method: string;
  path: string;
  operation?: string;
  roleArn?: string;
  status: number;
  errorCode?: string;
  errorMessage?: string;
  durationMs: number;
}

/** The IAM session name Cognito identity pools give their role sessions. */
const sessionName = 'CognitoIdentityCredentials';
const maxBodyBytes = 256 * 1024;

/**
 * The AWS IoT control plane (rest-json over HTTP) for the sandbox. Each request goes through
 * the steps AWS takes: authenticate (SigV4), route, throttle, validate, authorize (IAM policies
 * of the caller's role), run. Failures are answered the way `@aws-sdk/client-iot` expects.
 */
export class IotControlPlane {
  private readonly verifier: SigV4Verifier;
  private readonly router = new OperationRouter(iotOperations);
  private readonly throttle: OperationThrottle;
  private readonly context: OperationContext;

  constructor(private readonly options: IotControlPlaneOptions) {
    const claimValiditySeconds = options.claimValiditySeconds ?? 300;
    if (!Number.isInteger(claimValiditySeconds) || claimValiditySeconds <= 0) {
      throw new Error(`claimValiditySeconds must be a positive whole number, not ${claimValiditySeconds}.`);
    }
    this.verifier = new SigV4Verifier({
      credentials: options.credentials,
      clock: options.clock,
      region: options.registry.region,
      service: 'iot',
      ...(options.maxClockSkewMs !== undefined ? { maxClockSkewMs: options.maxClockSkewMs } : {}),
    });
    this.throttle = new OperationThrottle(options.clock, options.throttle);
    this.context = {
      registry: options.registry,
      certificateAuthority: options.certificateAuthority,
      clock: options.clock,
      claimValiditySeconds,
      dataEndpointHost: checkedDataEndpointHost(options.dataEndpointHost),
    };
  }

  /** Answers one HTTP request; never rejects (internal failures become a 500 InternalFailureException). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const rawPath = queryStart < 0 ? url : url.slice(0, queryStart);
    const rawQuery = queryStart < 0 ? '' : url.slice(queryStart + 1);
    const entry: Omit<ControlPlaneLogEntry, 'status' | 'durationMs'> = { requestId, method, path: rawPath };

    let status: number;
    let body: unknown;
    try {
      const requestBody = await readBody(req);
      const caller = await this.verifier.verify({
        method,
        rawPath,
        rawQuery,
        headers: req.headers,
        body: requestBody,
      });
      entry.roleArn = caller.roleArn;
      const route = this.router.match(method, rawPath);
      if (!route) {
        throw new AwsApiError(404, 'UnknownOperationException', `No operation matches ${method} ${rawPath}.`);
      }
      const { operation, pathParams } = route;
      entry.operation = operation.name;
      if (!this.throttle.tryAcquire(operation.name))
        throw new AwsApiError(400, 'ThrottlingException', 'Rate exceeded');
      const prepared = operation.prepare(
        { pathParams, query: parseQuery(rawQuery), headers: req.headers, body: parseJsonBody(requestBody) },
        this.context,
      );
      this.authorize(caller, `iot:${operation.name}`, prepared.resource, prepared.context);
      body = await prepared.run();
      status = 200;
    } catch (error) {
      const apiError =
        toApiError(error) ?? new AwsApiError(500, 'InternalFailureException', 'An internal error occurred.');
      if (apiError.status === 500) {
        entry.errorMessage = `${apiError.message} (${error instanceof Error ? error.message : String(error)})`;
      } else {
        entry.errorMessage = apiError.message;
      }
      entry.errorCode = apiError.code;
      status = apiError.status;
      body = { message: apiError.message, ...apiError.members };
      res.setHeader('x-amzn-errortype', `${apiError.code}${apiError.headerSuffix}`);
    }
    this.send(res, requestId, status, body);
    try {
      this.options.log?.({ ...entry, status, durationMs: Math.round(performance.now() - started) });
    } catch {
      // A failing log sink must not take the control plane down; the response is already sent.
    }
  }

  private authorize(
    caller: IssuedCredentials,
    action: string,
    resource: string,
    actionContext: Record<string, string> = {},
  ): void {
    const role = this.options.roles.find((r) => r.roleArn === caller.roleArn);
    const decision = role
      ? evaluatePolicies(role.policies, {
          action,
          resource,
          context: {
            ...actionContext,
            'aws:RequestedRegion': this.options.registry.region,
            'aws:PrincipalArn': caller.roleArn,
            'cognito-identity.amazonaws.com:sub': caller.identityId,
          },
        })
      : 'ImplicitDeny';
    if (decision === 'Allow') return;
    const user = assumedRoleArn(caller.roleArn);
    const reason =
      decision === 'ExplicitDeny'
        ? 'with an explicit deny in an identity-based policy'
        : `because no identity-based policy allows the ${action} action`;
    throw new AwsApiError(
      403,
      'AccessDeniedException',
      `User: ${user} is not authorized to perform: ${action} on resource: ${resource} ${reason}`,
    );
  }

  private send(res: ServerResponse, requestId: string, status: number, body: unknown): void {
    const payload = body === undefined ? '' : JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('x-amzn-requestid', requestId);
    // The SDK corrects its clock skew from this header, so it must come from the sandbox clock.
    res.setHeader('date', new Date(this.options.clock.now()).toUTCString());
    if (payload !== '') res.setHeader('content-type', 'application/json');
    res.setHeader('content-length', Buffer.byteLength(payload));
    res.end(payload);
  }
}

/** `arn:aws:iam::123:role/path/Name` → `arn:aws:sts::123:assumed-role/Name/CognitoIdentityCredentials`. */
function assumedRoleArn(roleArn: string): string {
  const match = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!match) return roleArn;
  const [, partition, account, name] = match;
  return `arn:${partition}:sts::${account}:assumed-role/${name}/${sessionName}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBodyBytes) {
      throw new AwsApiError(
        413,
        'RequestEntityTooLargeException',
        `The request body exceeds ${maxBodyBytes} bytes.`,
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsApiError(400, 'SerializationException', 'The request body is not valid JSON.');
  }
}

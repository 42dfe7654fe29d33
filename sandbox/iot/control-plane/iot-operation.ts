import type { Clock } from '../../clock.js';
import type { CertificateAuthority } from '../certificate-authority.js';
import type { IotRegistry } from '../iot-registry.js';

/** One request as an operation sees it: authenticated, routed, body parsed. */
export interface OperationRequest {
  /** Path labels, percent-decoded (`{thingName}` → `thingName`). */
  pathParams: Record<string, string>;
  query: Record<string, string | string[]>;
  /** Request headers, names lowercase (some operations take an input member from a header). */
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or undefined when the request had none. */
  body: unknown;
}

/** What the operations work with. */
export interface OperationContext {
  registry: IotRegistry;
  certificateAuthority: CertificateAuthority;
  clock: Clock;
  /** How long a CreateProvisioningClaim certificate is valid. */
  claimValiditySeconds: number;
  /** What DescribeEndpoint answers for `iot:Data-ATS`: the broker's host name, no port. */
  dataEndpointHost: string;
}

/** A validated request, ready to be authorized against `resource` and then run. */
export interface PreparedOperation {
  /** The ARN IAM authorizes the action on, or `*` for operations without a resource type. */
  resource: string;
  /** Condition keys the action adds to the request context (e.g. `iot:thingArn`), checked by IAM. */
  context?: Record<string, string>;
  /** The JSON response body; undefined for operations without output. */
  run(): Promise<unknown> | unknown;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A control-plane operation: its route (as in the AWS service model) and its behaviour. */
export interface IotOperation {
  /** The AWS operation name; the IAM action is `iot:<name>`. */
  name: string;
  method: HttpMethod;
  /** URI template from the service model, e.g. `/things/{thingName}`. */
  path: string;
  /**
   * Checks the request's shape against the service model (throwing InvalidRequestException) and
   * names the resource. Checks of content (template body, policy document, existence) belong in
   * `run`, after authorization, so a caller without permission learns nothing from them.
   */
  prepare(request: OperationRequest, context: OperationContext): PreparedOperation;
}

/** Epoch seconds, as rest-json sends timestamps. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

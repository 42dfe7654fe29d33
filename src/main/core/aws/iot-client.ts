import { IoTClient, type IoTClientConfig } from '@aws-sdk/client-iot';
import type { StationProfile } from '../../../shared/station-profile-schema.js';

/** A source of (refreshable) AWS credentials, as the SDK takes it: the session's identity-pool credentials. */
export type AwsCredentialIdentityProvider = Extract<
  NonNullable<IoTClientConfig['credentials']>,
  (...args: never[]) => unknown
>;

/** A request that gets no answer is abandoned after this long; the caller decides about retrying. */
const connectionTimeoutMs = 5_000;
const requestTimeoutMs = 20_000;

/**
 * The IoT control-plane client for a profile: the profile's Region, its endpoint when it names one
 * (the sandbox), AWS's own otherwise — the same code for both. `maxAttempts: 1` because the
 * AwsCallGovernor owns retries: SDK retries would bypass its token buckets and double its backoff.
 */
export function createIotClient(
  profile: StationProfile,
  credentials: AwsCredentialIdentityProvider,
): IoTClient {
  return new IoTClient({
    region: profile.region,
    ...(profile.iot.controlPlaneEndpoint ? { endpoint: profile.iot.controlPlaneEndpoint } : {}),
    credentials,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: connectionTimeoutMs, requestTimeout: requestTimeoutMs },
  });
}

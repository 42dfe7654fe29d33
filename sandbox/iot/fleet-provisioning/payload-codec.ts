import { decode, encode } from 'cbor-x';
import type { PayloadFormat } from './provisioning-topics.js';
import { ProvisioningRejection } from './provisioning-rejection.js';

/**
 * Request and response bodies in the format named by the topic (`json` or `cbor`). An empty
 * payload reads as `{}`: AWS documents an empty CreateKeysAndCertificate request, the SDKs send `{}`.
 */
export function decodePayload(payload: Buffer, format: PayloadFormat): unknown {
  if (payload.length === 0) return {};
  try {
    if (format === 'json') return JSON.parse(payload.toString('utf8')) as unknown;
    return decode(payload) as unknown;
  } catch (error) {
    throw new ProvisioningRejection(
      400,
      'InvalidPayload',
      `The request payload is not valid ${format.toUpperCase()}: ${(error as Error).message}`,
    );
  }
}

export function encodePayload(value: unknown, format: PayloadFormat): Buffer {
  return format === 'json' ? Buffer.from(JSON.stringify(value), 'utf8') : Buffer.from(encode(value));
}

import type { DeviceClaim } from '../../src/main/core/device-link/claim-blob.js';
import { SeededRandom } from './seeded-random.js';

function pemBlock(label: string, bodyBytes: number, random: SeededRandom): string {
  const base64 = random.bytes(bodyBytes).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * A claim shaped like a real one (RSA-2048 claim certificate and key, Amazon-style root CA): about
 * 3 KB of PEM. For link tests and the benchmark, where no CA is involved; the PEM bodies are random.
 */
export function sampleClaim(seed = 1, overrides: Partial<DeviceClaim> = {}): DeviceClaim {
  const random = new SeededRandom(seed);
  return {
    certificatePem: pemBlock('CERTIFICATE', 640, random),
    privateKeyPem: pemBlock('RSA PRIVATE KEY', 1190, random),
    rootCaPem: pemBlock('CERTIFICATE', 620, random),
    endpoint: { host: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com', port: 8883 },
    templateName: 'StationFleetTemplate',
    templateParameters: { SerialNumber: 'SIM-000001', Site: 'bench-1' },
    expiresAt: Date.now() + 5 * 60_000,
    ...overrides,
  };
}

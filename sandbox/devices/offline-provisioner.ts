import { createHash } from 'node:crypto';
import { ErrorCode, ProgressStage } from '../../src/main/core/device-link/protocol-constants.js';
import type { ProvisionInput, ProvisionOutcome, Provisioner } from './provisioner.js';

/**
 * Stands in for the cloud when only the serial side is under test (link fault tests, the benchmark):
 * walks through the same progress stages with short delays and returns a deterministic identity.
 * The real thing is FleetProvisioningClient against the sandbox broker.
 */
export class OfflineProvisioner implements Provisioner {
  constructor(private readonly stepMs = 5) {}

  async provision(input: ProvisionInput): Promise<ProvisionOutcome> {
    const stages = [
      ProgressStage.Connecting,
      ProgressStage.Connected,
      ProgressStage.Subscribed,
      ...(input.mode === 'csr' ? [ProgressStage.KeyGenerated] : []),
      ProgressStage.CertificateRequested,
      ProgressStage.CertificateReceived,
      ProgressStage.RegisterRequested,
    ];
    for (const stage of stages) {
      await new Promise((resolve) => setTimeout(resolve, this.stepMs));
      if (input.signal.aborted)
        return { ok: false, failure: { code: ErrorCode.Internal, message: 'aborted' } };
      input.onProgress(stage);
    }
    if (input.tamperOwnershipToken) {
      return {
        ok: false,
        failure: {
          code: ErrorCode.RegisterRejected,
          message: 'RegisterThing rejected',
          stage: ProgressStage.RegisterRequested,
          aws: {
            statusCode: 400,
            errorCode: 'InvalidCertificateOwnershipToken',
            errorMessage: 'Certificate ownership token is invalid.',
          },
        },
      };
    }
    input.onProgress(ProgressStage.Registered);
    const certificateId = createHash('sha256').update(`offline:${input.serialNumber}`).digest('hex');
    const thingName = `dev_${input.serialNumber}`;
    input.onProgress(ProgressStage.CredentialsStored);
    return {
      ok: true,
      result: { thingName, certificateId, fingerprint: certificateId },
      identity: {
        thingName,
        certificateId,
        certificatePem: '-----BEGIN CERTIFICATE-----\noffline\n-----END CERTIFICATE-----\n',
        privateKeyPem: '-----BEGIN PRIVATE KEY-----\noffline\n-----END PRIVATE KEY-----\n',
      },
    };
  }
}

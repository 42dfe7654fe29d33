import { describe, expect, it } from 'vitest';
import { parseStationProfile, type StationProfile } from '../../../src/shared/station-profile-schema.js';

const caPem = `-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2FzZQ==\n-----END CERTIFICATE-----\n`;

const sandboxProfile: StationProfile = {
  name: 'Sandbox (127.0.0.1)',
  kind: 'sandbox',
  region: 'eu-west-1',
  cognito: {
    userPoolId: 'eu-west-1_StationSandbox',
    userPoolClientId: 'sandboxstationclient00001',
    identityPoolId: 'eu-west-1:5a1db0c5-0000-4000-8000-57a7105a1db0',
    userPoolEndpoint: 'http://127.0.0.1:8881',
    identityPoolEndpoint: 'http://127.0.0.1:8881',
  },
  iot: {
    controlPlaneEndpoint: 'http://127.0.0.1:8882',
    dataEndpoint: '127.0.0.1:8883',
    templateName: 'TrustedUserProvisioningTemplate',
    caCertificatePem: caPem,
  },
};

const awsProfile: StationProfile = {
  name: 'Production eu-central-1',
  kind: 'aws',
  region: 'eu-central-1',
  cognito: {
    userPoolId: 'eu-central-1_AbC123xyz',
    userPoolClientId: '1example23456789abcdefghij',
    identityPoolId: 'eu-central-1:11111111-2222-3333-4444-555555555555',
  },
  iot: {
    dataEndpoint: 'a1b2c3d4e5f6g7-ats.iot.eu-central-1.amazonaws.com:8883',
    templateName: 'FleetTemplate',
  },
};

function withChange(base: StationProfile, change: (copy: Record<string, unknown>) => void): unknown {
  const copy = structuredClone(base) as unknown as Record<string, unknown>;
  change(copy);
  return copy;
}

describe('station profile schema', () => {
  it('accepts a sandbox profile and a real-AWS profile without endpoints', () => {
    expect(parseStationProfile(sandboxProfile)).toEqual({ ok: true, profile: sandboxProfile });
    expect(parseStationProfile(awsProfile)).toEqual({ ok: true, profile: awsProfile });
  });

  it.each([
    [
      'a private key in the CA bundle',
      (p: Record<string, unknown>) => {
        (p['iot'] as Record<string, unknown>)['caCertificatePem'] =
          `${caPem}-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n`;
      },
      /iot\.caCertificatePem: must hold PEM CERTIFICATE blocks only/,
    ],
    [
      'an unknown key (e.g. a pasted password)',
      (p: Record<string, unknown>) => {
        (p['cognito'] as Record<string, unknown>)['password'] = 'Installer-Passw0rd!';
      },
      /cognito: Unrecognized key/,
    ],
    [
      'a user pool of another region',
      (p: Record<string, unknown>) => {
        (p['cognito'] as Record<string, unknown>)['userPoolId'] = 'us-east-1_Other1';
      },
      /cognito\.userPoolId: userPoolId is in us-east-1 but the profile's region is eu-west-1/,
    ],
    [
      'a sandbox without its control plane endpoint',
      (p: Record<string, unknown>) => {
        delete (p['iot'] as Record<string, unknown>)['controlPlaneEndpoint'];
      },
      /iot\.controlPlaneEndpoint: a sandbox profile needs/,
    ],
    [
      'a data endpoint without port',
      (p: Record<string, unknown>) => {
        (p['iot'] as Record<string, unknown>)['dataEndpoint'] = '127.0.0.1';
      },
      /iot\.dataEndpoint: must be host:port/,
    ],
    [
      'an endpoint with a path',
      (p: Record<string, unknown>) => {
        (p['cognito'] as Record<string, unknown>)['userPoolEndpoint'] = 'http://127.0.0.1:8881/cognito';
      },
      /cognito\.userPoolEndpoint: must be an origin/,
    ],
    [
      'a kind the station does not know',
      (p: Record<string, unknown>) => {
        p['kind'] = 'local';
      },
      /^kind: /,
    ],
  ])('refuses %s, naming the field', (_what, change, problem) => {
    const result = parseStationProfile(withChange(sandboxProfile, change));
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toMatch(problem);
  });

  it('refuses plain-http endpoints for a real AWS profile', () => {
    const result = parseStationProfile(
      withChange(awsProfile, (p) => {
        (p['iot'] as Record<string, unknown>)['controlPlaneEndpoint'] =
          'http://iot.eu-central-1.amazonaws.com';
      }),
    );
    expect(result).toEqual({
      ok: false,
      problem: "iot.controlPlaneEndpoint: an aws profile's iot.controlPlaneEndpoint must be https",
    });
  });
});

import type { StationProfile } from '../../../shared/station-profile-schema.js';

/** One place the station (or its devices) must reach for a profile to work. */
export interface ProfileEndpoint {
  /** What it is, e.g. "Cognito user pool". */
  name: string;
  protocol: 'http' | 'https' | 'tls';
  /** An origin for http/https (`https://iot.eu-west-1.amazonaws.com`), `host:port` for tls. */
  address: string;
}

/**
 * The profile's endpoints, with AWS's regional defaults where the profile names none (as the SDKs
 * derive them): both Cognito APIs, the IoT control plane, and the MQTT data endpoint devices use.
 */
export function profileEndpoints(profile: StationProfile): ProfileEndpoint[] {
  const { region, cognito, iot } = profile;
  const http = (name: string, given: string | undefined, fallback: string): ProfileEndpoint => {
    const address = (given ?? fallback).replace(/\/$/, '');
    return { name, protocol: address.startsWith('http://') ? 'http' : 'https', address };
  };
  return [
    http('Cognito user pool', cognito.userPoolEndpoint, `https://cognito-idp.${region}.amazonaws.com`),
    http(
      'Cognito identity pool',
      cognito.identityPoolEndpoint,
      `https://cognito-identity.${region}.amazonaws.com`,
    ),
    http('IoT control plane', iot.controlPlaneEndpoint, `https://iot.${region}.amazonaws.com`),
    { name: 'IoT data endpoint (MQTT over TLS)', protocol: 'tls', address: iot.dataEndpoint },
  ];
}

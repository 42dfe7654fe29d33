import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
} from '@aws-sdk/client-cognito-identity';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateProvisioningClaimCommand, IoTClient } from '@aws-sdk/client-iot';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StationProfile } from '../../src/shared/station-profile-schema.js';

/**
 * What the station does to get a claim, for firmware authors without a station: sign in as an
 * installer (USER_PASSWORD_AUTH), trade the ID token for identity-pool credentials, and call
 * CreateProvisioningClaim — with the official AWS SDK clients and only the profile's values, so it
 * works against the sandbox and, unchanged, against a real account.
 */

export interface ProvisioningClaim {
  certificateId: string;
  certificatePem: string;
  privateKeyPem: string;
  /** When the claim certificate stops working (AWS: 5 minutes after issue). */
  expiration: Date;
}

/** What the identity pool gives a signed-in user: temporary IAM credentials, and the ID token behind them. */
export interface PasswordSignIn {
  idToken: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration?: Date };
}

/**
 * USER_PASSWORD_AUTH, then GetId and GetCredentialsForIdentity with the ID token: the shortest way
 * from a password to the IAM credentials the station's session would hold. Throws on a challenge.
 */
export async function signInWithPassword(
  profile: StationProfile,
  user: { username: string; password: string },
): Promise<PasswordSignIn> {
  const { cognito } = profile;
  const userPoolClient = new CognitoIdentityProviderClient({
    region: profile.region,
    ...(cognito.userPoolEndpoint ? { endpoint: cognito.userPoolEndpoint } : {}),
  });
  const identityClient = new CognitoIdentityClient({
    region: profile.region,
    ...(cognito.identityPoolEndpoint ? { endpoint: cognito.identityPoolEndpoint } : {}),
  });
  try {
    const auth = await userPoolClient.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: cognito.userPoolClientId,
        AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
      }),
    );
    const idToken = auth.AuthenticationResult?.IdToken;
    if (!idToken) {
      throw new Error(
        `Sign-in of ${user.username} needs the ${auth.ChallengeName ?? 'unknown'} challenge, which this tool ` +
          'does not answer; use a user without MFA or a pending new password (e.g. installer).',
      );
    }
    const logins = { [`cognito-idp.${profile.region}.amazonaws.com/${cognito.userPoolId}`]: idToken };
    const { IdentityId } = await identityClient.send(
      new GetIdCommand({ IdentityPoolId: cognito.identityPoolId, Logins: logins }),
    );
    const { Credentials } = await identityClient.send(
      new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretKey || !Credentials.SessionToken) {
      throw new Error('The identity pool returned no credentials.');
    }
    return {
      idToken,
      credentials: {
        accessKeyId: Credentials.AccessKeyId,
        secretAccessKey: Credentials.SecretKey,
        sessionToken: Credentials.SessionToken,
        ...(Credentials.Expiration ? { expiration: Credentials.Expiration } : {}),
      },
    };
  } finally {
    userPoolClient.destroy();
    identityClient.destroy();
  }
}

export async function requestClaimAsInstaller(input: {
  profile: StationProfile;
  username: string;
  password: string;
}): Promise<ProvisioningClaim> {
  const { profile } = input;
  const { credentials } = await signInWithPassword(profile, input);
  const iotClient = new IoTClient({
    region: profile.region,
    ...(profile.iot.controlPlaneEndpoint ? { endpoint: profile.iot.controlPlaneEndpoint } : {}),
    credentials,
  });
  try {
    const claim = await iotClient.send(
      new CreateProvisioningClaimCommand({ templateName: profile.iot.templateName }),
    );
    if (!claim.certificateId || !claim.certificatePem || !claim.keyPair?.PrivateKey || !claim.expiration) {
      throw new Error('CreateProvisioningClaim answered without a certificate, key or expiration.');
    }
    return {
      certificateId: claim.certificateId,
      certificatePem: claim.certificatePem,
      privateKeyPem: claim.keyPair.PrivateKey,
      expiration: claim.expiration,
    };
  } finally {
    iotClient.destroy();
  }
}

export interface WrittenClaimFiles {
  certificate: string;
  privateKey: string;
  /** Present when the profile carries a CA (the sandbox); AWS devices trust Amazon Root CA 1/3. */
  caCertificate?: string;
}

/** Writes the claim for flashing onto a device: certificate, private key (mode 0600), and the profile's CA. */
export function writeClaimFiles(
  claim: ProvisioningClaim,
  profile: StationProfile,
  directory: string,
): WrittenClaimFiles {
  const dir = resolve(directory);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files: WrittenClaimFiles = {
    certificate: join(dir, 'claim-certificate.pem'),
    privateKey: join(dir, 'claim-private-key.pem'),
  };
  writeFileSync(files.certificate, claim.certificatePem, { mode: 0o644 });
  writeFileSync(files.privateKey, claim.privateKeyPem, { mode: 0o600 });
  // writeFileSync keeps the mode of a file that already existed: make sure an old key file is private too.
  chmodSync(files.privateKey, 0o600);
  if (profile.iot.caCertificatePem) {
    files.caCertificate = join(dir, 'ca-certificate.pem');
    writeFileSync(files.caCertificate, profile.iot.caCertificatePem, { mode: 0o644 });
  }
  return files;
}

import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';

/** What GetCredentialsForIdentity hands out and the IoT control plane checks signatures against. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Milliseconds since the epoch. */
  expiration: number;
}

export interface IssuedCredentials extends TemporaryCredentials {
  roleArn: string;
  identityId: string;
}

/**
 * The sandbox's stand-in for STS: temporary credentials bound to a role. The identity pool issues
 * them, the IoT control plane looks them up by access key id to verify SigV4 and authorize.
 * In memory only: credentials do not survive a sandbox restart, as real session credentials would
 * not survive their expiry either.
 */
export class TemporaryCredentialStore {
  private readonly byAccessKeyId = new Map<string, IssuedCredentials>();

  constructor(private readonly clock: Clock) {}

  issue(input: { roleArn: string; identityId: string; lifetimeSeconds: number }): IssuedCredentials {
    const issued: IssuedCredentials = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      expiration: this.clock.now() + input.lifetimeSeconds * 1000,
      roleArn: input.roleArn,
      identityId: input.identityId,
    };
    this.byAccessKeyId.set(issued.accessKeyId, issued);
    return issued;
  }

  /** The credentials for an access key id, or undefined when unknown. Expiry is the caller's check. */
  lookup(accessKeyId: string): IssuedCredentials | undefined {
    return this.byAccessKeyId.get(accessKeyId);
  }

  isExpired(credentials: IssuedCredentials): boolean {
    return this.clock.now() >= credentials.expiration;
  }
}

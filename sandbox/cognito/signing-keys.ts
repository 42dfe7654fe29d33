import { randomUUID, type webcrypto } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK } from 'jose';
import { z } from 'zod';

type CryptoKey = webcrypto.CryptoKey;

/** The RSA key pair a user pool signs its JWTs with, in the form it is persisted. */
export const storedSigningKeySchema = z.object({
  kid: z.string().min(1),
  privateJwk: z.looseObject({ kty: z.literal('RSA'), n: z.string(), e: z.string(), d: z.string() }),
});
export type StoredSigningKey = z.infer<typeof storedSigningKeySchema>;

/** RS256 signing key with its public half published as a JWKS, as Cognito does per user pool. */
export class SigningKeys {
  private constructor(
    readonly stored: StoredSigningKey,
    readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
  ) {}

  /** Loads the persisted key, or creates a new 2048-bit one when there is none yet. */
  static async loadOrCreate(stored: StoredSigningKey | undefined): Promise<SigningKeys> {
    if (stored) {
      const privateKey = await importJWK(stored.privateJwk, 'RS256');
      if (privateKey instanceof Uint8Array) throw new Error('Stored signing key is not an RSA private key');
      return new SigningKeys(stored, privateKey, publicPart(stored));
    }
    const pair = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const jwk = await exportJWK(pair.privateKey);
    const fresh = storedSigningKeySchema.parse({ kid: randomUUID(), privateJwk: jwk });
    return new SigningKeys(fresh, pair.privateKey, publicPart(fresh));
  }

  get kid(): string {
    return this.stored.kid;
  }

  jwks(): JSONWebKeySet {
    return { keys: [this.publicJwk] };
  }
}

function publicPart(stored: StoredSigningKey): JWK {
  return {
    kty: 'RSA',
    n: stored.privateJwk.n,
    e: stored.privateJwk.e,
    kid: stored.kid,
    alg: 'RS256',
    use: 'sig',
  };
}

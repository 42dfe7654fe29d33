import { z } from 'zod';

/**
 * The station profile: which AWS side the station talks to — a real account (`kind: 'aws'`) or the
 * local sandbox (`kind: 'sandbox'`, written by `npm run sandbox`). Ids and endpoints only: a profile
 * never holds a password, token, key or claim. Unknown keys are refused so that a typo (or a secret
 * pasted into the wrong place) is reported instead of silently ignored.
 */

const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d$/;
export const regionSchema = z.string().regex(regionPattern, 'region must look like eu-west-1');

/** `http(s)://host[:port]` with nothing after the authority: AWS SDK endpoints are origins. */
const endpointUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .refine((value) => /^https?:\/\/[^/?#]+\/?$/.test(value), 'must be an origin (no path, query or fragment)');

/** `host:port` of the MQTT broker, e.g. `a1b2c3-ats.iot.eu-west-1.amazonaws.com:8883` or `127.0.0.1:8883`. */
const dataEndpointSchema = z
  .string()
  .regex(
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/,
    'must be host:port, e.g. abc123-ats.iot.eu-west-1.amazonaws.com:8883',
  )
  .refine((value) => {
    const port = Number(value.slice(value.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }, 'port must be 1-65535');

const pemCertificateBlock = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----/g;

/** One or more PEM certificates and nothing else (a private key here would be a leak). */
const caBundleSchema = z
  .string()
  .max(64 * 1024)
  .refine(
    (value) =>
      (value.match(pemCertificateBlock)?.length ?? 0) > 0 &&
      value.replace(pemCertificateBlock, '').trim() === '',
    'must hold PEM CERTIFICATE blocks only',
  );

export const stationProfileSchema = z
  .strictObject({
    /** Shown to the operator, e.g. "Sandbox (127.0.0.1)" or "Production eu-west-1". */
    name: z.string().min(1).max(120),
    kind: z.enum(['sandbox', 'aws']),
    region: regionSchema,
    cognito: z.strictObject({
      userPoolId: z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/, 'userPoolId must look like eu-west-1_AbC123'),
      userPoolClientId: z.string().regex(/^[\w+]{1,128}$/, 'userPoolClientId is 1-128 word characters'),
      identityPoolId: z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]+$/, 'identityPoolId must look like eu-west-1:<uuid>'),
      /** Absent for real AWS: the SDKs derive `https://cognito-idp.{region}.amazonaws.com`. */
      userPoolEndpoint: endpointUrlSchema.optional(),
      /** Absent for real AWS: the SDKs derive `https://cognito-identity.{region}.amazonaws.com`. */
      identityPoolEndpoint: endpointUrlSchema.optional(),
      /** The Cognito group whose members may provision; `installers` when absent. */
      installersGroup: z
        .string()
        .regex(
          /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u,
          'installersGroup is a Cognito group name (1-128 characters, no spaces)',
        )
        .optional(),
      /**
       * The app client's refresh token expiration: how long an operator stays signed in before
       * signing in again. Cognito allows 1 hour to 10 years; its default (used when absent) is 30 days.
       */
      refreshTokenValiditySeconds: z
        .number()
        .int()
        .min(3600, 'refreshTokenValiditySeconds is at least 3600 (1 hour)')
        .max(315_360_000, 'refreshTokenValiditySeconds is at most 315360000 (10 years)')
        .optional(),
    }),
    iot: z.strictObject({
      /** Absent for real AWS: `https://iot.{region}.amazonaws.com`. */
      controlPlaneEndpoint: endpointUrlSchema.optional(),
      /** The MQTT broker devices connect to (DescribeEndpoint `iot:Data-ATS`), `host:port`. */
      dataEndpoint: dataEndpointSchema,
      templateName: z.string().regex(/^[0-9A-Za-z_-]{1,36}$/, 'templateName is 1-36 letters, digits, _ or -'),
      /** The CA devices must trust for the data endpoint; absent for AWS (Amazon Root CA 1/3). */
      caCertificatePem: caBundleSchema.optional(),
    }),
  })
  .superRefine((profile, context) => {
    const regionOf = (id: string) => id.split(/[_:]/)[0];
    for (const [key, id] of [
      ['userPoolId', profile.cognito.userPoolId],
      ['identityPoolId', profile.cognito.identityPoolId],
    ] as const) {
      if (regionOf(id) !== profile.region) {
        context.addIssue({
          code: 'custom',
          path: ['cognito', key],
          message: `${key} is in ${regionOf(id) ?? '?'} but the profile's region is ${profile.region}`,
        });
      }
    }
    if (profile.kind === 'sandbox') {
      // A sandbox profile without its endpoints would send the station to real AWS with sandbox ids.
      const required = [
        ['cognito', 'userPoolEndpoint', profile.cognito.userPoolEndpoint],
        ['cognito', 'identityPoolEndpoint', profile.cognito.identityPoolEndpoint],
        ['iot', 'controlPlaneEndpoint', profile.iot.controlPlaneEndpoint],
        ['iot', 'caCertificatePem', profile.iot.caCertificatePem],
      ] as const;
      for (const [section, key, value] of required) {
        if (value === undefined) {
          context.addIssue({
            code: 'custom',
            path: [section, key],
            message: `a sandbox profile needs ${section}.${key}`,
          });
        }
      }
    } else {
      for (const [section, key, value] of [
        ['cognito', 'userPoolEndpoint', profile.cognito.userPoolEndpoint],
        ['cognito', 'identityPoolEndpoint', profile.cognito.identityPoolEndpoint],
        ['iot', 'controlPlaneEndpoint', profile.iot.controlPlaneEndpoint],
      ] as const) {
        if (value !== undefined && !value.startsWith('https://')) {
          context.addIssue({
            code: 'custom',
            path: [section, key],
            message: `an aws profile's ${section}.${key} must be https`,
          });
        }
      }
    }
  });

export type StationProfile = z.infer<typeof stationProfileSchema>;

/** The Cognito group whose members may provision: the profile's, or `installers`. */
export function installersGroupOf(cognito: { installersGroup?: string | undefined }): string {
  return cognito.installersGroup ?? 'installers';
}

export type StationProfileParseResult =
  { ok: true; profile: StationProfile } | { ok: false; problem: string };

/** Validates a parsed profile document; the problem names the first offending field. */
export function parseStationProfile(document: unknown): StationProfileParseResult {
  const parsed = stationProfileSchema.safeParse(document);
  if (parsed.success) return { ok: true, profile: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'profile';
  return { ok: false, problem: `${where}: ${issue?.message ?? 'invalid'}` };
}

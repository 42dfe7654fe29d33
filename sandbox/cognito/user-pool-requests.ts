import { z } from 'zod';

/** Request shapes of the user pool operations the sandbox serves (fields the SDKs send, others ignored). */

const stringMap = z.record(z.string(), z.string().max(4096));
const clientId = z.string().min(1).max(128);
const token = z.string().min(1).max(16_384);
const session = z.string().min(20).max(4096);

export const initiateAuthRequest = z.object({
  AuthFlow: z.string().min(1),
  ClientId: clientId,
  AuthParameters: stringMap.optional(),
  ClientMetadata: stringMap.optional(),
});

export const respondToAuthChallengeRequest = z.object({
  ClientId: clientId,
  ChallengeName: z.string().min(1),
  Session: session.optional(),
  ChallengeResponses: stringMap.optional(),
  ClientMetadata: stringMap.optional(),
});

export const accessTokenRequest = z.object({ AccessToken: token });

export const associateSoftwareTokenRequest = z.object({
  AccessToken: token.optional(),
  Session: session.optional(),
});

export const verifySoftwareTokenRequest = z.object({
  AccessToken: token.optional(),
  Session: session.optional(),
  UserCode: z.string().min(1).max(16),
  FriendlyDeviceName: z.string().max(256).optional(),
});

const mfaSettings = z.object({ Enabled: z.boolean().optional(), PreferredMfa: z.boolean().optional() });

export const setUserMfaPreferenceRequest = z.object({
  AccessToken: token,
  SoftwareTokenMfaSettings: mfaSettings.optional(),
  SMSMfaSettings: mfaSettings.optional(),
  EmailMfaSettings: mfaSettings.optional(),
});

export const getTokensFromRefreshTokenRequest = z.object({
  RefreshToken: token,
  ClientId: clientId,
  ClientSecret: z.string().optional(),
  DeviceKey: z.string().optional(),
});

export const revokeTokenRequest = z.object({
  Token: token,
  ClientId: clientId,
  ClientSecret: z.string().optional(),
});

export const changePasswordRequest = z.object({
  AccessToken: token,
  PreviousPassword: z.string().min(1).max(256).optional(),
  ProposedPassword: z.string().min(1).max(256),
});

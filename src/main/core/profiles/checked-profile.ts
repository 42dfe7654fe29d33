import {
  stationProfileSchema,
  type StationProfileParseResult,
} from '../../../shared/station-profile-schema.js';

/**
 * Validates a profile assembled from some source (amplify_outputs.json, a form) against the one
 * schema the station loads profiles with, and reports the first problem under the name the field
 * has *in that source*: `names` maps a profile path (`cognito.userPoolId`) to it (`auth.user_pool_id`).
 */
export function checkedProfile(
  candidate: unknown,
  names: Readonly<Record<string, string>>,
): StationProfileParseResult {
  const parsed = stationProfileSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, profile: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  const sourceName = names[path] ?? (path || 'profile');
  const profileKey = path.slice(path.lastIndexOf('.') + 1);
  // The schema's messages speak of the profile's key ("userPoolId must look like…"): use the source's.
  const message = (issue?.message ?? 'invalid').replace(
    new RegExp(`\\b${profileKey}\\b`, 'g'),
    sourceName.slice(sourceName.lastIndexOf('.') + 1),
  );
  return { ok: false, problem: `${sourceName}: ${message}` };
}

/** AWS's DescribeEndpoint gives the data endpoint without a port; devices use MQTT over TLS on 8883. */
export function withMqttPort(endpoint: string): string {
  return /:\d+$/.test(endpoint) ? endpoint : `${endpoint}:8883`;
}

/**
 * A TOTP secret as the operator types it into an authenticator app: Base32 in groups of four, so
 * the eye can keep its place. Authenticator apps ignore the spaces, and the Copy button copies the
 * secret without them.
 */
export function totpSecretGroups(secret: string): string[] {
  const compact = secret.replace(/\s+/g, '').toUpperCase();
  const groups: string[] = [];
  for (let start = 0; start < compact.length; start += 4) groups.push(compact.slice(start, start + 4));
  return groups;
}

/**
 * The renderer's Content-Security-Policy: our own scripts and styles only, no network, no frames,
 * no plugins. Sent as a header by the app:// protocol and repeated as a meta tag in index.html
 * (a unit test keeps the two equal, less what a meta tag cannot carry).
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/**
 * A policy as a meta tag can carry it: browsers ignore `frame-ancestors` there (and say so in the
 * console), so only the header sends it.
 */
export function forMetaTag(policy: string): string {
  return policy
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors '))
    .join('; ');
}

/** The policy in index.html's meta tag. */
export const metaContentSecurityPolicy = forMetaTag(contentSecurityPolicy);

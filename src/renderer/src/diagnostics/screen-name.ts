import type { ScreenName } from '../../../shared/diagnostics.js';

/**
 * The names of navigation/route.ts's Route, spelled out here so this module (and its unit test,
 * which runs in Node) does not load React through route.ts. App passes its Route in: a route added
 * there and missing here fails the typecheck.
 */
type RouteName = 'batch' | 'device' | 'history' | 'health' | 'profile';

/** Screens that need a signed-in operator; health, profile and sign-in itself never do. */
export const needsSignIn: readonly RouteName[] = ['batch', 'device', 'history'];

/**
 * Which screen App shows for the route: the profile screen stands in for all but health when no
 * profile is configured, sign-in for the screens that need a session, and the batch tab is set-up
 * or the queue by whether a batch is open. Told to main for the log.
 */
export function screenNameOf(
  shown: { name: RouteName },
  facts: { signedIn: boolean; batchOpen: boolean },
): Exclude<ScreenName, 'connecting'> {
  if (shown.name === 'profile' || shown.name === 'health') return shown.name;
  if (!facts.signedIn && needsSignIn.includes(shown.name)) return 'sign-in';
  if (shown.name === 'history' || shown.name === 'device') return shown.name;
  return facts.batchOpen ? 'batch-queue' : 'batch-setup';
}

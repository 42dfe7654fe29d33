import { useCallback, useRef, useState } from 'react';
import type { IpcResult } from '../../../../shared/ipc-result.js';
import type { SessionView } from '../../../../shared/view-models.js';
import { useStationStore } from '../../store/use-station-state.js';

export interface SignInCall {
  /** A call is in flight: the submit buttons are disabled. */
  busy: boolean;
  /** Main's words for the last refusal, shown beside the form. */
  error: string | null;
  run: (call: () => Promise<IpcResult<SessionView>>) => Promise<IpcResult<SessionView> | null>;
}

/**
 * Runs one sign-in call at a time through the store (so the answered session drives the screen)
 * and keeps main's refusal here, beside the form, rather than also in the app's notice bar: one
 * message, in one alert. Held by the sign-in screen, not by a step, so a refusal that ends the
 * challenge ("the sign-in took too long") is still shown on the step that follows.
 */
export function useSignInCall(): SignInCall {
  const store = useStationStore();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef(false);

  const run = useCallback(
    async (call: () => Promise<IpcResult<SessionView>>) => {
      // Enter pressed twice before the button disabled itself: one call only.
      if (inFlight.current) return null;
      inFlight.current = true;
      setBusy(true);
      setError(null);
      try {
        const result = await store.act(call(), (session) => ({ session }));
        if (!result.ok) {
          setError(result.error.message);
          store.dismissNotice();
        }
        return result;
      } finally {
        inFlight.current = false;
        setBusy(false);
      }
    },
    [store],
  );

  return { busy, error, run };
}

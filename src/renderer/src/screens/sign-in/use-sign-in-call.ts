import { useCallback, useState } from 'react';
import { useSingleFlight } from '../../hooks/use-single-flight.js';
import type { IpcResult } from '../../../../shared/ipc-result.js';
import type { SessionView } from '../../../../shared/view-models.js';
import { useStationStore } from '../../store/use-station-state.js';

export interface SignInCall {
  /** A call is in flight: the submit buttons are disabled. */
  busy: boolean;
  /** Main's words for the last refusal, shown beside the form. */
  error: string | null;
  /** Main's answer; null when another call was still under way. */
  run: (call: () => Promise<IpcResult<SessionView>>) => Promise<IpcResult<SessionView> | null>;
}

/** What every step after the password gets: who is signing in, the call in flight, and a way out. */
export interface ChallengeStepProps {
  username: string | null;
  call: SignInCall;
  onStartAgain: () => void;
}

/**
 * Runs one sign-in call at a time through the store (so the answered session drives the screen)
 * and keeps main's refusal here, beside the form, rather than also in the app's notice bar: one
 * message, in one alert. Held by the sign-in screen, not by a step, so a refusal that ends the
 * challenge ("the sign-in took too long") is still shown on the step that follows.
 */
export function useSignInCall(): SignInCall {
  const store = useStationStore();
  // Enter pressed twice before the button disabled itself: one call only.
  const { busy, run: runOnce } = useSingleFlight();
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(
    async (call: () => Promise<IpcResult<SessionView>>) => {
      // Null stays the answer when another call was still under way (the press was ignored).
      const answer: { result: IpcResult<SessionView> | null } = { result: null };
      await runOnce(async () => {
        setError(null);
        const result = await store.act(call(), (session) => ({ session }));
        answer.result = result;
        if (!result.ok) {
          setError(result.error.message);
          store.dismissNotice();
        }
      });
      return answer.result;
    },
    [runOnce, store],
  );

  return { busy, error, run };
}

import { useCallback, useState } from 'react';
import { useSingleFlight } from '../../hooks/use-single-flight.js';
import { useNavigate } from '../../navigation/route.js';
import type { IpcResult } from '../../../../shared/ipc-result.js';
import type { ProfileView } from '../../../../shared/view-models.js';
import { useStationStore } from '../../store/use-station-state.js';
import type { ProfileSource } from './profile-file-reading.js';

/** The three ways to switch; a refusal is shown beside the way that was used. */
export type ProfileWay = 'sandbox' | 'file' | 'fields';

export interface ProfileSwitch {
  busy: ProfileWay | null;
  error: { way: ProfileWay; message: string } | null;
  /** Main's answer; null when another switch was still under way. */
  use: (source: ProfileSource, way: ProfileWay) => Promise<IpcResult<ProfileView> | null>;
}

/**
 * Switches the station's AWS side. Main answers the new profile view, then everything is read
 * again: a new profile means a new, signed-out session (and another device list for the sandbox).
 * On success the batch tab is shown, which is the sign-in screen until someone signs in.
 */
export function useProfileSwitch(): ProfileSwitch {
  const store = useStationStore();
  const navigate = useNavigate();
  const { busy, run } = useSingleFlight();
  const [way, setWay] = useState<ProfileWay | null>(null);
  const [error, setError] = useState<ProfileSwitch['error']>(null);

  const use = useCallback(
    async (source: ProfileSource, chosen: ProfileWay) => {
      // Null stays the answer when another switch was still under way (the press was ignored).
      const answer: { result: IpcResult<ProfileView> | null } = { result: null };
      await run(async () => {
        setWay(chosen);
        setError(null);
        const result = await store.act(store.api.profile.use(source), (profile) => ({ profile }));
        answer.result = result;
        if (!result.ok) {
          // Shown beside the way used; once is enough.
          setError({ way: chosen, message: result.error.message });
          store.dismissNotice();
          return;
        }
        await store.reload();
        navigate({ name: 'batch' });
      });
      return answer.result;
    },
    [run, store, navigate],
  );

  return { busy: busy ? way : null, error, use };
}

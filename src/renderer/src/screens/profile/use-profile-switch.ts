import { useCallback, useRef, useState } from 'react';
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
  const [busy, setBusy] = useState<ProfileWay | null>(null);
  const [error, setError] = useState<ProfileSwitch['error']>(null);
  const inFlight = useRef(false);

  const use = useCallback(
    async (source: ProfileSource, way: ProfileWay) => {
      if (inFlight.current) return null;
      inFlight.current = true;
      setBusy(way);
      setError(null);
      try {
        const result = await store.act(store.api.profile.use(source), (profile) => ({ profile }));
        if (!result.ok) {
          // Shown beside the way used; once is enough.
          setError({ way, message: result.error.message });
          store.dismissNotice();
          return result;
        }
        await store.reload();
        navigate({ name: 'batch' });
        return result;
      } finally {
        inFlight.current = false;
        setBusy(null);
      }
    },
    [store, navigate],
  );

  return { busy, error, use };
}

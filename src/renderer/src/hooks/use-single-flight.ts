import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * One action at a time for a screen: a second press while the first is in flight is ignored (a
 * double click, or a scanner's Enter), and `busy` drives the button's disabled look.
 */
export function useSingleFlight(): { busy: boolean; run: (action: () => Promise<unknown>) => Promise<void> } {
  const inFlight = useRef(false);
  const mounted = useRef(true);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(async (action: () => Promise<unknown>) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    try {
      await action();
    } finally {
      inFlight.current = false;
      if (mounted.current) setBusy(false);
    }
  }, []);
  return { busy, run };
}

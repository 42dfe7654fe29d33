import { useContext, useEffect, useRef } from 'react';
import { ScanHandlersContext } from './scan-handlers-context.js';

/**
 * Says what a barcode scan does on this screen, for as long as the calling component is mounted
 * (and `enabled`): `useScanHandler((code) => …)`. The App's scan guard (use-scan-guard.ts) has
 * already swallowed the scan's Enter, so nothing else happens; the handler only runs for scans made
 * while the focus is outside editable fields (in a field, the scanner types into it). The newest
 * mounted handler wins. The handler may change on every render; the registration does not.
 */
export function useScanHandler(handler: (code: string) => void, enabled = true): void {
  const handlers = useContext(ScanHandlersContext);
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  }, [handler]);

  useEffect(() => {
    if (!handlers || !enabled) return;
    return handlers.register((code) => latest.current(code));
  }, [handlers, enabled]);
}

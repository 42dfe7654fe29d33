import { useEffect } from 'react';
import { isEditableTarget } from './editable-target.js';
import type { ScanHandlers } from './scan-handlers.js';
import { WedgeDetector } from './wedge-detector.js';

/**
 * The App's one keyboard-wedge listener. A scanner "types" its code and presses Enter; while the
 * focus is not in an editable field, that Enter would press whatever button has the focus
 * ("Confirm re-provision", "Print label"…) on any screen. So every burst that ends in Enter is
 * swallowed here, before any element sees it, and its code goes to the screen's registered handler
 * (`useScanHandler`), or nowhere. The focus stays where it was. In an editable field the scanner
 * simply types there, Enter included. While a modal dialog is open a scan is swallowed but not
 * handed on: the page under the dialog is inert, and a scan answers none of its questions.
 */
export function useScanGuard(handlers: ScanHandlers): void {
  useEffect(() => {
    const detector = new WedgeDetector();
    const onKeyDown = (event: KeyboardEvent) => {
      const target = event.target instanceof HTMLElement ? event.target : null;
      if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing || isEditableTarget(target)) {
        detector.reset();
        return;
      }
      const verdict = detector.feed({ key: event.key, at: event.timeStamp });
      if (verdict.kind === 'scan') {
        event.preventDefault();
        event.stopPropagation();
        if (document.querySelector('dialog[open]') === null) handlers.dispatch(verdict.code.trim());
      } else if (verdict.kind === 'burst' && event.key === ' ') {
        // A space inside a code must not press the focused button or scroll the page.
        event.preventDefault();
      }
    };
    window.addEventListener('keydown', onKeyDown, { capture: true });
    return () => window.removeEventListener('keydown', onKeyDown, { capture: true });
  }, [handlers]);
}

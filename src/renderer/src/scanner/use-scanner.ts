import { useEffect, useRef } from 'react';
import { WedgeDetector } from './wedge-detector.js';

/** Where a scanner's keystrokes belong to the field itself: the scan is typed into it, as usual. */
function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file', 'image'].includes(
      target.type,
    );
  }
  return false;
}

/**
 * Calls `onScan(code)` when a keyboard-wedge scanner sends a code while the focus is not in an
 * editable field (in one, the scanner just types there). The scan's Enter is swallowed, so it never
 * presses the button that happens to have the focus; the focus itself stays where it was.
 */
export function useScanner(onScan: (code: string) => void, enabled = true): void {
  const latest = useRef(onScan);
  useEffect(() => {
    latest.current = onScan;
  }, [onScan]);

  useEffect(() => {
    if (!enabled) return;
    const detector = new WedgeDetector();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing || isEditable(event.target)) {
        detector.reset();
        return;
      }
      const verdict = detector.feed({ key: event.key, at: event.timeStamp });
      if (verdict.kind === 'scan') {
        event.preventDefault();
        event.stopPropagation();
        latest.current(verdict.code.trim());
      } else if (verdict.kind === 'burst' && event.key === ' ') {
        // A space inside a code must not press the focused button or scroll the page.
        event.preventDefault();
      }
    };
    window.addEventListener('keydown', onKeyDown, { capture: true });
    return () => window.removeEventListener('keydown', onKeyDown, { capture: true });
  }, [enabled]);
}

import { type RefObject, useLayoutEffect, useRef } from 'react';

/**
 * Puts the focus on the screen's heading (tabIndex -1) when the screen opens and whenever `key`
 * changes (another record shown), so the operator starts at the top instead of on <body>. While
 * the page swaps one heading for another (loading → loaded → error) the focus follows it, but only
 * if it was lost with the old one: a focus the operator has put elsewhere is never taken.
 */
export function useHeadingFocus(key: string): RefObject<HTMLHeadingElement | null> {
  const heading = useRef<HTMLHeadingElement>(null);
  const focusedFor = useRef<string | null>(null);
  const focusedHeading = useRef<HTMLHeadingElement | null>(null);

  useLayoutEffect(() => {
    const element = heading.current;
    if (!element) return;
    const active = document.activeElement;
    const lost = active === null || active === document.body;
    const previous = focusedHeading.current;
    const replaced = previous !== null && previous !== element && !previous.isConnected && lost;
    if (focusedFor.current !== key || replaced) {
      focusedFor.current = key;
      focusedHeading.current = element;
      element.focus();
    }
  });

  return heading;
}

import type { KeyboardEvent } from 'react';

/**
 * Enter in a field a barcode scanner may fill (it ends every code with Enter) moves to the next
 * field instead of submitting the form half-filled.
 */
export function enterMovesToNextField(event: KeyboardEvent<HTMLInputElement>): void {
  if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
  event.preventDefault();
  const form = event.currentTarget.form;
  if (!form) return;
  const fields = [...form.elements].filter(
    (element): element is HTMLInputElement | HTMLSelectElement | HTMLButtonElement | HTMLTextAreaElement =>
      (element instanceof HTMLInputElement ||
        element instanceof HTMLSelectElement ||
        element instanceof HTMLButtonElement ||
        element instanceof HTMLTextAreaElement) &&
      !element.disabled &&
      !(element instanceof HTMLInputElement && element.readOnly) &&
      element.tabIndex >= 0,
  );
  fields[fields.indexOf(event.currentTarget) + 1]?.focus();
}

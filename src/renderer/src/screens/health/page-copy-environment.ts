import type { CopyEnvironment } from './copy-text.js';

/** Copying in this page: the Clipboard API where there is one, else a selection in a hidden field. */
export function pageCopyEnvironment(): CopyEnvironment {
  const clipboard = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
  return {
    writeClipboard: clipboard?.writeText ? (text) => clipboard.writeText(text) : null,
    copyBySelection(text) {
      const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      const field = document.createElement('textarea');
      field.value = text;
      field.readOnly = true;
      field.setAttribute('aria-hidden', 'true');
      // Off screen rather than hidden: a hidden field cannot hold a selection.
      field.style.position = 'fixed';
      field.style.left = '-10000px';
      field.style.top = '0';
      document.body.append(field);
      field.select();
      try {
        // Deprecated but still the one copy that needs no permission, only the user's click.
        return document.execCommand('copy');
      } finally {
        field.remove();
        active?.focus();
      }
    },
  };
}

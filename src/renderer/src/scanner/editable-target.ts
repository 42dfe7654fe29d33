/** The parts of an element that tell whether typed keys belong to it. */
export interface KeyTarget {
  tagName: string;
  /** An <input>'s type; ignored for other elements. */
  type?: string;
  isContentEditable?: boolean;
}

/** Inputs that take no text: a key press on them is a press, not typing. */
const pressableInputTypes = new Set([
  'button',
  'checkbox',
  'radio',
  'submit',
  'reset',
  'range',
  'color',
  'file',
  'image',
]);

/**
 * Whether a scanner's keystrokes belong to the focused element itself (a text field, a select):
 * then the code is typed into it as usual and its Enter is the field's own.
 */
export function isEditableTarget(target: KeyTarget | null): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !pressableInputTypes.has((target.type ?? 'text').toLowerCase());
  return false;
}

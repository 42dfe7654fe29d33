import { type ReactNode, useEffect, useId, useRef } from 'react';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The safe choice, focused when the dialog opens so a stray Enter does nothing harmful. */
  cancelLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  testId?: string;
}

/**
 * A modal question in a real <dialog>: the rest of the page is inert while it is open, Escape
 * answers with the safe choice, and the focus goes back to whatever opened it.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { open, onCancel } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const safeButton = useRef<HTMLButtonElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      opener.current = document.activeElement;
      element.showModal();
      safeButton.current?.focus();
    } else if (!open && element.open) {
      element.close();
    }
  }, [open]);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    // Escape closes a modal <dialog> by itself; tell the owner so its state agrees.
    const onCancelEvent = (event: Event) => {
      event.preventDefault();
      onCancel();
    };
    const onClose = () => {
      const back = opener.current;
      opener.current = null;
      if (back instanceof HTMLElement && back.isConnected) back.focus();
    };
    element.addEventListener('cancel', onCancelEvent);
    element.addEventListener('close', onClose);
    return () => {
      element.removeEventListener('cancel', onCancelEvent);
      element.removeEventListener('close', onClose);
    };
  }, [onCancel]);

  return (
    <dialog ref={dialog} className="confirm-dialog" aria-labelledby={titleId} data-testid={props.testId}>
      <h2 id={titleId}>{props.title}</h2>
      <div className="confirm-body">{props.children}</div>
      <div className="button-row">
        <button type="button" className="secondary" ref={safeButton} onClick={props.onCancel}>
          {props.cancelLabel}
        </button>
        <button type="button" className={props.danger ? 'danger' : undefined} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

import type { PageProblemKind } from '../../../shared/diagnostics.js';

type ProblemListener = (event: object) => void;

/** The part of `window` the listeners need (so they are tested without a DOM). */
export interface ProblemEventSource {
  addEventListener(type: 'error' | 'unhandledrejection', listener: ProblemListener): void;
  removeEventListener(type: 'error' | 'unhandledrejection', listener: ProblemListener): void;
}

export interface ProblemSink {
  problem(kind: PageProblemKind, thrown: unknown): void;
}

/**
 * Uncaught errors (the window's `error` event) and promises nobody handled (`unhandledrejection`)
 * go to the reporter; the page's own handling (the console message) is left as it is. Returns the
 * function that stops listening.
 */
export function listenForPageProblems(source: ProblemEventSource, sink: ProblemSink): () => void {
  const onError: ProblemListener = (event) => {
    const fields = event as {
      error?: unknown;
      message?: unknown;
      filename?: unknown;
      lineno?: unknown;
      colno?: unknown;
    };
    if (fields.error !== undefined && fields.error !== null) {
      sink.problem('window-error', fields.error);
      return;
    }
    // No error object (a script from elsewhere, a plain ErrorEvent): what the event says of it.
    const where =
      typeof fields.filename === 'string' && fields.filename
        ? `    at ${fields.filename}:${String(fields.lineno ?? 0)}:${String(fields.colno ?? 0)}`
        : null;
    sink.problem('window-error', {
      name: 'Error',
      message:
        typeof fields.message === 'string' && fields.message ? fields.message : 'An error without a message',
      stack: where,
    });
  };
  const onRejection: ProblemListener = (event) => {
    sink.problem('unhandled-rejection', (event as { reason?: unknown }).reason);
  };
  source.addEventListener('error', onError);
  source.addEventListener('unhandledrejection', onRejection);
  return () => {
    source.removeEventListener('error', onError);
    source.removeEventListener('unhandledrejection', onRejection);
  };
}

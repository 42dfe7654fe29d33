/**
 * What was thrown or rejected, as text: an Error, an error-like object (`{name, message, stack}`, as a
 * DOMException or a value that crossed IPC is) or any other value. Shared by main's crash entries and
 * the renderer's problem reports, which each bound and redact the parts as they need.
 */
export interface ThrownParts {
  name: string;
  /** With the cause's name and message after it when an Error has one. */
  message: string;
  stack: string | null;
}

/** `show` turns a value that is not error-like into text (String by default; main uses util.inspect). */
export function thrownParts(value: unknown, show: (value: unknown) => string = String): ThrownParts {
  const errorLike = asErrorLike(value);
  if (errorLike) {
    const cause = asErrorLike(errorLike.cause);
    return {
      name: errorLike.name || 'Error',
      message: errorLike.message + (cause ? ` (caused by ${cause.name || 'Error'}: ${cause.message})` : ''),
      stack: errorLike.stack,
    };
  }
  if (typeof value === 'string') return { name: 'a thrown string', message: value, stack: null };
  return {
    name: `a thrown ${value === null ? 'null' : typeof value}`,
    message: shown(value, show),
    stack: null,
  };
}

interface ErrorLike {
  name: string;
  message: string;
  stack: string | null;
  cause: unknown;
}

function asErrorLike(value: unknown): ErrorLike | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  try {
    const record = value as { name?: unknown; message?: unknown; stack?: unknown; cause?: unknown };
    if (!(value instanceof Error) && typeof record.message !== 'string') return undefined;
    return {
      name: typeof record.name === 'string' ? record.name : 'Error',
      message: typeof record.message === 'string' ? record.message : String(record.message),
      stack: typeof record.stack === 'string' ? record.stack : null,
      cause: value instanceof Error ? record.cause : undefined,
    };
  } catch {
    // A getter (or a proxy) that throws: say so rather than fail the report.
    return { name: 'Error', message: '(its properties could not be read)', stack: null, cause: undefined };
  }
}

function shown(value: unknown, show: (value: unknown) => string): string {
  try {
    return show(value);
  } catch {
    return '(a value that cannot be shown)';
  }
}

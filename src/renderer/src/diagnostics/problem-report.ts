import {
  problemReportLimits,
  type DiagnosticsReport,
  type PageProblemKind,
  type ScreenName,
} from '../../../shared/diagnostics.js';

export type ProblemReport = Extract<DiagnosticsReport, { kind: PageProblemKind }>;

/**
 * What the renderer tells main about a problem it met: the thrown value's name, message and stack
 * (and the component stack of a screen that failed to draw), cut to the bounds main accepts. Main
 * redacts it like any log line; the renderer only keeps it short and well-formed. The page's own
 * address (`pageBase`) is shortened to `./` in the text: the harness's carries its access token.
 */
export function problemReportOf(
  kind: PageProblemKind,
  thrown: unknown,
  screen: ScreenName,
  componentStack: string | null = null,
  pageBase: string | null = null,
): ProblemReport {
  const { name, message, stack } = describeThrown(thrown);
  const withComponents = componentStack
    ? `${stack ?? ''}\nComponent stack:${componentStack.startsWith('\n') ? '' : '\n'}${componentStack}`
    : stack;
  const local = (text: string) => (pageBase ? text.split(pageBase).join('./') : text);
  return {
    kind,
    screen,
    name: cut(name.replace(/\p{Cc}/gu, ' '), problemReportLimits.name) || 'Error',
    message: cut(local(message), problemReportLimits.message),
    stack: withComponents === null ? null : cut(local(withComponents), problemReportLimits.stack),
  };
}

function describeThrown(thrown: unknown): { name: string; message: string; stack: string | null } {
  if (thrown !== null && typeof thrown === 'object') {
    try {
      const record = thrown as { name?: unknown; message?: unknown; stack?: unknown };
      if (thrown instanceof Error || typeof record.message === 'string') {
        return {
          name: typeof record.name === 'string' ? record.name : 'Error',
          message: typeof record.message === 'string' ? record.message : '',
          stack: typeof record.stack === 'string' ? record.stack : null,
        };
      }
    } catch {
      return { name: 'Error', message: '(its properties could not be read)', stack: null };
    }
  }
  if (typeof thrown === 'string') return { name: 'a thrown string', message: thrown, stack: null };
  return {
    name: `a thrown ${thrown === null ? 'null' : typeof thrown}`,
    message: safeString(thrown),
    stack: null,
  };
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '(a value that cannot be shown)';
  }
}

/** At most `max` characters; the end says it was cut. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = ' … [cut]';
  return text.slice(0, max - note.length) + note;
}

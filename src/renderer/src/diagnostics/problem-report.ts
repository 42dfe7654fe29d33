import {
  problemReportLimits,
  type DiagnosticsReport,
  type PageProblemKind,
  type ScreenName,
} from '../../../shared/diagnostics.js';
import { thrownParts } from '../../../shared/thrown-value.js';

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
  const { name, message, stack } = thrownParts(thrown);
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

/** At most `max` characters; the end says it was cut. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = ' … [cut]';
  return text.slice(0, max - note.length) + note;
}

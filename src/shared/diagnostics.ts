/**
 * What the renderer may tell main for the log (the `diagnostics.report` channel): which screen is
 * showing, and problems the page met. Fixed names, so a report can only say what a crash entry
 * needs; src/shared/ipc-contract.ts bounds the free text.
 */
export const screenNames = [
  'connecting',
  'profile',
  'sign-in',
  'batch-setup',
  'batch-queue',
  'device',
  'history',
  'health',
] as const;
export type ScreenName = (typeof screenNames)[number];

/** An uncaught error, a promise nobody handled, a screen that threw while it was drawn. */
export const pageProblemKinds = ['window-error', 'unhandled-rejection', 'render-error'] as const;
export type PageProblemKind = (typeof pageProblemKinds)[number];

/** Bounds of a problem report, checked in main and kept to by the renderer before it sends. */
export const problemReportLimits = { name: 120, message: 2000, stack: 8000 } as const;

export type DiagnosticsReport =
  | { kind: 'screen'; screen: ScreenName }
  | {
      kind: PageProblemKind;
      screen: ScreenName;
      name: string;
      message: string;
      stack: string | null;
    };

import { Component, type ErrorInfo, type ReactNode } from 'react';
import type { IpcResult } from '../../../shared/ipc-result.js';
import type { LogFolderOpenView } from '../../../shared/view-models.js';
import { CrashFallback } from './CrashFallback.js';

interface ErrorBoundaryProps {
  children: ReactNode;
  /** Where the error goes: main's log, through diagnostics.report. */
  onError: (error: unknown, componentStack: string | null) => void;
  openLogFolder: () => Promise<IpcResult<LogFolderOpenView>>;
}

interface ErrorBoundaryState {
  failed: boolean;
}

/**
 * Around the screens: a screen that throws while it is drawn is replaced by a calm page saying it
 * is recorded in the log, instead of the whole window going blank. App gives each screen its own
 * boundary (keyed by screen), so moving to another tab starts afresh.
 */
export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { failed: false };

  static getDerivedStateFromError(): ErrorBoundaryState {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    this.props.onError(error, info.componentStack ?? null);
  }

  override render(): ReactNode {
    return this.state.failed ? (
      <CrashFallback openLogFolder={this.props.openLogFolder} />
    ) : (
      this.props.children
    );
  }
}

import { useCallback, useEffect, useState } from 'react';
import type { IpcResult } from '../../shared/ipc-result.js';
import type { LogFolderOpenView } from '../../shared/view-models.js';
import { ErrorBoundary } from './components/ErrorBoundary.js';
import { ProfileBadge } from './components/ProfileBadge.js';
import { SessionMenu } from './components/SessionMenu.js';
import { listenForPageProblems } from './diagnostics/page-problem-listeners.js';
import { ProblemReporter } from './diagnostics/problem-reporter.js';
import { needsSignIn, screenNameOf } from './diagnostics/screen-name.js';
import { BenchHealthBanner } from './screens/health/BenchHealthBanner.js';
import { NavigateContext, type Route } from './navigation/route.js';
import { ScanHandlers } from './scanner/scan-handlers.js';
import { ScanHandlersContext } from './scanner/scan-handlers-context.js';
import { useScanGuard } from './scanner/use-scan-guard.js';
import { BatchScreen } from './screens/BatchScreen.js';
import { BenchHealthScreen } from './screens/BenchHealthScreen.js';
import { DeviceDetailScreen } from './screens/DeviceDetailScreen.js';
import { HistoryScreen } from './screens/HistoryScreen.js';
import { ProfileScreen } from './screens/ProfileScreen.js';
import { SignInScreen } from './screens/SignInScreen.js';
import { isBatchOpen } from './store/queue-state.js';
import { useStationState, useStationStore } from './store/use-station-state.js';

const tabs: { route: Route['name']; label: string }[] = [
  { route: 'batch', label: 'Batch' },
  { route: 'history', label: 'History' },
  { route: 'health', label: 'Bench health' },
  { route: 'profile', label: 'AWS profile' },
];

export function App() {
  const store = useStationStore();
  // One guard for every screen: a scan never presses the focused button; screens say what it does.
  const [scanHandlers] = useState(() => new ScanHandlers());
  useScanGuard(scanHandlers);
  // Problems the page meets, and the screen it shows, go to main's log (never a secret: main redacts).
  const [reporter] = useState(
    () =>
      new ProblemReporter(
        (report) => store.api.diagnostics.report(report),
        Date.now,
        new URL('.', window.location.href).href,
      ),
  );
  useEffect(() => listenForPageProblems(window, reporter), [reporter]);
  const openLogFolder = useCallback(() => store.api.logs.openFolder(), [store]);
  const onRenderError = useCallback(
    (error: unknown, componentStack: string | null) =>
      reporter.problem('render-error', error, componentStack),
    [reporter],
  );
  return (
    <ScanHandlersContext.Provider value={scanHandlers}>
      {/* The last resort, should the top bar itself fail; each screen also has its own. */}
      <ErrorBoundary onError={onRenderError} openLogFolder={openLogFolder}>
        <AppScreens reporter={reporter} onRenderError={onRenderError} openLogFolder={openLogFolder} />
      </ErrorBoundary>
    </ScanHandlersContext.Provider>
  );
}

function AppScreens({
  reporter,
  onRenderError,
  openLogFolder,
}: {
  reporter: ProblemReporter;
  onRenderError: (error: unknown, componentStack: string | null) => void;
  openLogFolder: () => Promise<IpcResult<LogFolderOpenView>>;
}) {
  const state = useStationState();
  const store = useStationStore();
  const [route, setRoute] = useState<Route>({ name: 'batch' });
  const navigate = useCallback((next: Route) => setRoute(next), []);

  const profileMissing = !state.profile?.configured;
  const signedIn = state.session?.status === 'signed-in';
  // Without a profile there is nothing to sign in to; without a session the sign-in screen stands
  // in for the screens that need one, and the route is kept for after sign-in.
  const shown: Route = profileMissing && route.name !== 'health' ? { name: 'profile' } : route;
  const current = shown.name === 'device' ? shown.from : shown.name;
  const screen =
    state.connection === 'ready'
      ? screenNameOf(shown, { signedIn, batchOpen: isBatchOpen(state.queue.batch) })
      : 'connecting';
  useEffect(() => reporter.showing(screen), [reporter, screen]);

  if (state.connection !== 'ready') {
    return (
      <main className="screen centered" aria-labelledby="connecting-heading">
        <h1 id="connecting-heading">Provisioning Station</h1>
        <p role="status">
          {state.connection === 'no-bridge'
            ? 'This page is not connected to the station. Open it from the station app or the harness URL.'
            : 'Connecting to the station…'}
        </p>
      </main>
    );
  }

  return (
    <NavigateContext.Provider value={navigate}>
      <div className="app-frame">
        <header className="top-bar">
          <span className="product">Provisioning Station</span>
          <ProfileBadge profile={state.profile} />
          <nav aria-label="Screens">
            {tabs.map((tab) => (
              <button
                key={tab.route}
                type="button"
                aria-current={current === tab.route ? 'page' : undefined}
                onClick={() => navigate({ name: tab.route } as Route)}
              >
                {tab.label}
              </button>
            ))}
          </nav>
          <SessionMenu session={state.session} />
        </header>
        {/* Always mounted (hidden on the health screen): it checks the bench once, at start. */}
        <BenchHealthBanner hidden={shown.name === 'health'} />
        {state.notice && (
          <div className="notice" role="alert">
            <span>{state.notice}</span>
            <button type="button" className="link-button" onClick={() => store.dismissNotice()}>
              Dismiss
            </button>
          </div>
        )}
        {/* Keyed by screen: after a failure, moving to another screen (and back) starts it afresh. */}
        <ErrorBoundary key={screen} onError={onRenderError} openLogFolder={openLogFolder}>
          {shown.name === 'profile' ? (
            <ProfileScreen />
          ) : shown.name === 'health' ? (
            <BenchHealthScreen />
          ) : !signedIn && needsSignIn.includes(shown.name) ? (
            <SignInScreen />
          ) : shown.name === 'history' ? (
            <HistoryScreen />
          ) : shown.name === 'device' ? (
            <DeviceDetailScreen runId={shown.runId} from={shown.from} />
          ) : (
            <BatchScreen focusRunId={shown.name === 'batch' ? shown.focusRunId : undefined} />
          )}
        </ErrorBoundary>
        <footer className="status-bar" data-testid="app-status">
          <span data-testid="app-version">v{state.appInfo?.version ?? '?'}</span>
          <span>{state.appInfo?.profile.name ?? 'No AWS profile'}</span>
          <span>{state.appInfo?.platform}</span>
        </footer>
      </div>
    </NavigateContext.Provider>
  );
}

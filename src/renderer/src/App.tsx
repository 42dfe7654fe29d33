import { useState } from 'react';
import { BatchQueueScreen } from './screens/BatchQueueScreen.js';
import { SignInScreen } from './screens/SignInScreen.js';
import { useStationState, useStationStore } from './store/use-station-state.js';

type Screen = 'sign-in' | 'queue';

export function App() {
  const state = useStationState();
  const store = useStationStore();
  const [screen, setScreen] = useState<Screen>('sign-in');
  const info = state.appInfo;

  return (
    <div className="app-frame">
      <header className="top-bar">
        <span className="product">Provisioning Station</span>
        <nav aria-label="Screens">
          <button type="button" aria-current={screen === 'sign-in'} onClick={() => setScreen('sign-in')}>
            Sign in
          </button>
          <button type="button" aria-current={screen === 'queue'} onClick={() => setScreen('queue')}>
            Batch queue
          </button>
        </nav>
        <span className="status" data-testid="app-status">
          {info ? (
            <>
              <span data-testid="app-version">v{info.version}</span> · {info.profile.name} · {info.platform}
            </>
          ) : state.connection === 'no-bridge' ? (
            'Not connected to the station'
          ) : (
            'Connecting…'
          )}
        </span>
      </header>
      {state.notice && (
        <div className="notice" role="alert">
          <span>{state.notice}</span>
          <button type="button" className="link-button" onClick={() => store.dismissNotice()}>
            Dismiss
          </button>
        </div>
      )}
      {screen === 'sign-in' ? (
        <SignInScreen onContinue={() => setScreen('queue')} />
      ) : (
        <BatchQueueScreen state={state} />
      )}
    </div>
  );
}

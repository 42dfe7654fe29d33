import type { SessionView } from '../../../shared/view-models.js';
import { useStationStore } from '../store/use-station-state.js';

/** Who is signed in, whether they may provision, and sign-out. */
export function SessionMenu({ session }: { session: SessionView | null }) {
  const store = useStationStore();
  if (session?.status !== 'signed-in') {
    return (
      <span className="session-menu muted" data-testid="session-menu">
        Not signed in
      </span>
    );
  }
  return (
    <span className="session-menu" data-testid="session-menu">
      <span>
        <span className="session-user">{session.username}</span>{' '}
        <span className="muted">{session.mayProvision ? '(installer)' : '(may not provision)'}</span>
      </span>
      <button
        type="button"
        className="secondary"
        onClick={() => void store.act(store.api.session.signOut(), (next) => ({ session: next }))}
      >
        Sign out
      </button>
    </span>
  );
}

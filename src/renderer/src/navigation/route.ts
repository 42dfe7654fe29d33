import { createContext, useContext } from 'react';

/** The station's screens. The batch screen shows set-up or the queue, whichever fits the open batch. */
export type Route =
  /** `focusRunId`: the run whose detail the operator came back from; the queue scrolls to it and focuses its Details. */
  | { name: 'batch'; focusRunId?: string }
  | { name: 'device'; runId: string; from: 'batch' | 'history' }
  | { name: 'history' }
  | { name: 'health' }
  | { name: 'profile' };

export type Navigate = (route: Route) => void;

export const NavigateContext = createContext<Navigate | null>(null);

export function useNavigate(): Navigate {
  const navigate = useContext(NavigateContext);
  if (!navigate) throw new Error('useNavigate needs a NavigateContext provider');
  return navigate;
}

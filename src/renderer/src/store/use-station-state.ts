import { createContext, useContext, useSyncExternalStore } from 'react';
import type { StationState, StationStore } from './station-store.js';

export const StationStoreContext = createContext<StationStore | null>(null);

export function useStationStore(): StationStore {
  const store = useContext(StationStoreContext);
  if (!store) throw new Error('useStationStore needs a StationStoreContext provider');
  return store;
}

export function useStationState(): StationState {
  const store = useStationStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

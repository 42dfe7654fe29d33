import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { stationBridge } from './station-bridge.js';
import { StationStore } from './store/station-store.js';
import { StationStoreContext } from './store/use-station-state.js';
import './styles.css';

const store = new StationStore();
store.connect(stationBridge());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <StationStoreContext.Provider value={store}>
      <App />
    </StationStoreContext.Provider>
  </StrictMode>,
);

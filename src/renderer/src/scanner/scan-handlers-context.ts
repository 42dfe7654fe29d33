import { createContext } from 'react';
import type { ScanHandlers } from './scan-handlers.js';

/** The App's one set of scan handlers, fed by its scan guard (use-scan-guard.ts). */
export const ScanHandlersContext = createContext<ScanHandlers | null>(null);

import type { BatchView } from '../../../src/shared/view-models.js';

/** A running batch view as main sends it, for tests of what the renderer does with one. */
export function batchViewOf(id: string, label = id): BatchView {
  return {
    id,
    label,
    templateName: 'Template',
    parameters: {},
    targetCount: null,
    bays: 1,
    status: 'running',
    operatorUsername: 'installer',
    createdAt: 1,
    finishedAt: null,
    counts: { done: 0, failed: 0, waiting: 0, active: 0, cancelled: 0 },
    devicesPerHour: null,
  };
}

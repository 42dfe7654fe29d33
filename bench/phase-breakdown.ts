import type { JournalEvent } from '../src/main/core/journal/journal.js';

/**
 * Splits one device's plug-to-verified time (ms) by its journaled transitions: the parts its floor
 * covers (claim bytes on the line, the device's own provisioning) and everything else.
 */
export function phaseBreakdown(
  events: readonly JournalEvent[],
  pluggedAt: number,
  finishedAt: number,
  lineFloorMs: number,
  deviceOwnMs: number,
): Map<string, number> {
  const at = (type: string) => events.find((event) => event.type === type)?.at ?? Number.NaN;
  const handshakeStarted = at('handshake-started');
  const hello = at('hello');
  const slot = at('slot-granted');
  const claimIssued = at('claim-issued');
  const delivered = at('claim-delivered');
  const provisioned = at('provisioned');
  const verified = at('verified');
  return new Map([
    ['port open + probe HELLO', handshakeStarted - pluggedAt],
    ['handshake', hello - handshakeStarted],
    ['queue', slot - hello],
    ['claim (AWS)', claimIssued - slot],
    ['delivery', delivered - claimIssued],
    ['(line floor)', lineFloorMs],
    ['provisioning', provisioned - delivered],
    ["(device's own)", deviceOwnMs],
    ['registry check (AWS)', verified - provisioned],
    ['to done', finishedAt - verified],
    ['journal transitions', events.length],
    ['(progress)', events.filter((event) => event.type === 'progress').length],
  ]);
}

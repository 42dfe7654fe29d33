/** Messages between the harness bridge in the browser and the harness server, as JSON over WebSocket. */
export type BridgeToServer = { type: 'invoke'; id: number; channel: string; args: unknown[] };

export type ServerToBridge =
  { type: 'result'; id: number; result: unknown } | { type: 'event'; channel: string; payload: unknown };

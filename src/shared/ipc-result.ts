/** Every IPC call resolves to one of these; the renderer never sees a thrown main-process error. */
export type IpcErrorCode = 'INVALID_ARGUMENT' | 'FORBIDDEN' | 'UNKNOWN_CHANNEL' | 'FAILED' | 'INTERNAL';

export interface IpcError {
  code: IpcErrorCode;
  /** A sentence an operator can read and act on; no stack traces, paths of our code or internals. */
  message: string;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

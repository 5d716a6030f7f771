import type { ConsoleError } from './errors'

// The Electron IPC wire format, shared by the main process (src/main/electron/ipc.ts) and the
// preload so that the two ends cannot drift apart. Browser mode does not use it.

/** Channel of method `name`; the preload can only name channels built here. */
export function methodChannel(name: string): string {
  return `cd:${name}`
}

/** Channel of every pushed event; each message carries a ConsoleEventBatch. */
export const EVENT_CHANNEL = 'cd:event'

/**
 * What a `cd:<method>` handler resolves to. Errors travel as data because Electron reduces a
 * thrown error to its message; the preload turns `{ok:false}` back into a rejection.
 */
export type IpcEnvelope = { ok: true; result: unknown } | { ok: false; error: ConsoleError }

/** One pushed event: its ConsoleApi name and its (already validated) payload. */
export type ConsoleEventMessage = readonly [name: string, payload: unknown]

/**
 * One `cd:event` message: the events of about one animation frame, oldest first. Batched because
 * Electron pays per message, and a busy stream would otherwise send hundreds per second.
 */
export type ConsoleEventBatch = readonly ConsoleEventMessage[]

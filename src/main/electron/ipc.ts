import { ipcMain, webContents } from 'electron'
import { CONSOLE_METHODS } from '../../shared/console/api'
import type { ConsoleError } from '../../shared/console/errors'
import { toConsoleError, type ConsoleService, type ServiceLog } from '../services/console-service'
import type { TrustedSenders } from './trusted-senders'

/** Channel of method `name`. */
export function methodChannel(name: string): string {
  return `cd:${name}`
}

/** Channel of every pushed event, sent as `(name, payload)`. */
export const EVENT_CHANNEL = 'cd:event'

/**
 * What a `cd:<method>` handler resolves to. Errors travel as data because Electron reduces a
 * thrown error to its message; the preload turns `{ok:false}` back into a rejection.
 */
export type IpcEnvelope = { ok: true; result: unknown } | { ok: false; error: ConsoleError }

/**
 * Registers one `cd:<method>` handler per ConsoleApi method (generated from the contract) and
 * forwards pushed events to the trusted windows. Returns the function that undoes both.
 */
export function registerConsoleIpc(
  service: ConsoleService,
  trusted: TrustedSenders,
  log: ServiceLog
): () => void {
  const names = Object.keys(CONSOLE_METHODS)
  for (const name of names) {
    ipcMain.handle(methodChannel(name), async (event, input: unknown): Promise<IpcEnvelope> => {
      const refusal = trusted.refusal(event)
      if (refusal) {
        log(`refused ${name}: ${refusal}`)
        return {
          ok: false,
          error: {
            code: 'forbidden_sender',
            message: 'This window may not use ControlDeck.',
            retriable: false
          }
        }
      }
      try {
        // invoke validates `input` with the method's schema before any service runs.
        return { ok: true, result: await service.invoke(name, input) }
      } catch (error) {
        return { ok: false, error: toConsoleError(error, log, name) }
      }
    })
  }

  const unsubscribe = service.subscribe((name, payload) => {
    for (const contents of webContents.getAllWebContents()) {
      if (trusted.has(contents.id) && !contents.isDestroyed()) {
        contents.send(EVENT_CHANNEL, name, payload)
      }
    }
  })

  return () => {
    unsubscribe()
    for (const name of names) ipcMain.removeHandler(methodChannel(name))
  }
}

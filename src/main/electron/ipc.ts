import { ipcMain, webContents } from 'electron'
import { CONSOLE_METHODS } from '../../shared/console/api'
import {
  EVENT_CHANNEL,
  methodChannel,
  type ConsoleEventBatch,
  type IpcEnvelope
} from '../../shared/console/ipc'
import { toConsoleError, type ConsoleService, type ServiceLog } from '../services/console-service'
import { EventBatcher } from '../services/live/event-batcher'
import type { TrustedSenders } from './trusted-senders'

/**
 * Registers one `cd:<method>` handler per ConsoleApi method (generated from the contract) and
 * forwards pushed events to the trusted windows, coalesced to at most one `cd:event` message per
 * frame (EventBatcher). Returns the function that undoes both.
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

  const batcher = new EventBatcher((batch: ConsoleEventBatch) => {
    for (const contents of webContents.getAllWebContents()) {
      if (!trusted.has(contents.id) || contents.isDestroyed()) continue
      try {
        contents.send(EVENT_CHANNEL, batch)
      } catch (error) {
        // One window going away mid-send must not cost the other windows their events.
        log('an event batch could not be sent to a window', error)
      }
    }
  })
  const unsubscribe = service.subscribe((name, payload) => batcher.add(name, payload))

  return () => {
    unsubscribe()
    batcher.close()
    for (const name of names) ipcMain.removeHandler(methodChannel(name))
  }
}

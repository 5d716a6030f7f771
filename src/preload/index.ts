// The only bridge between the page and the main process. It exposes ConsoleApi as
// `window.controldeck`: one function per method and one subscribe function per event, generated
// from the contract's names (src/shared/console/names.ts, zod-free: the schemas stay out of this
// bundle). ipcRenderer itself never reaches the page, and the page can only name channels that
// exist (channel names from src/shared/console/ipc.ts, methods from the contract).
// Bundled to CommonJS with everything inlined: a sandboxed preload can require only 'electron'.
import { contextBridge, ipcRenderer } from 'electron'
import { CONSOLE_EVENT_NAMES, CONSOLE_METHOD_NAMES } from '../shared/console/names'
import { EVENT_CHANNEL, methodChannel, type IpcEnvelope } from '../shared/console/ipc'

type Listener = (payload: unknown) => void

const listeners = new Map<string, Set<Listener>>()

function dispatch(name: unknown, payload: unknown): void {
  if (typeof name !== 'string') return
  for (const listener of listeners.get(name) ?? []) {
    try {
      listener(payload)
    } catch (error) {
      console.error(`controldeck: a ${name} listener threw`, error)
    }
  }
}

// Each message is a ConsoleEventBatch (the events of about one frame, oldest first).
ipcRenderer.on(EVENT_CHANNEL, (_event, batch: unknown) => {
  if (!Array.isArray(batch)) return
  for (const message of batch) {
    if (Array.isArray(message)) dispatch(message[0], message[1])
  }
})

const api: Record<string, unknown> = {}

for (const name of CONSOLE_METHOD_NAMES) {
  api[name] = async (input: unknown): Promise<unknown> => {
    const envelope = (await ipcRenderer.invoke(methodChannel(name), input ?? {})) as IpcEnvelope
    if (envelope.ok) return envelope.result
    // A plain object survives the context bridge with all its fields (an Error would keep only its
    // message); the renderer's getConsoleApi turns it into an Error again.
    throw envelope.error
  }
}

for (const name of CONSOLE_EVENT_NAMES) {
  api[name] = (listener: Listener): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError(`${name} needs a listener function`)
    let set = listeners.get(name)
    if (!set) listeners.set(name, (set = new Set()))
    set.add(listener)
    return () => {
      set.delete(listener)
    }
  }
}

contextBridge.exposeInMainWorld('controldeck', api)

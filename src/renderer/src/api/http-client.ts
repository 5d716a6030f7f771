import { z } from 'zod'
import { CONSOLE_EVENTS, CONSOLE_METHODS, type ConsoleApi } from '../../../shared/console/api'
import { ConsoleErrorSchema } from '../../../shared/console/errors'
import { ConsoleCallError, toConsoleCallError } from './errors'

/** The envelope every `POST /api/<method>` answers with. */
const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: ConsoleErrorSchema })
])

/**
 * The EventSource constructor (the browser's, or the `eventsource` package's under Node, which
 * then carries the credentials its caller gives it).
 */
export type EventSourceConstructor = new (url: string) => EventSource

/** Options of {@link createHttpConsoleApi}. */
export interface HttpConsoleApiOptions {
  /** Origin of the browser-mode server, e.g. `http://127.0.0.1:4321`. */
  readonly origin: string
  /**
   * The server's token, sent as `Authorization: Bearer` (scripts and Node). A page leaves it out:
   * its session cookie, set by the one-time sign-in address, authenticates it.
   */
  readonly token?: string | null
  readonly fetch?: typeof fetch
  readonly EventSource?: EventSourceConstructor
}

/**
 * ConsoleApi over browser mode's HTTP: each method is `POST /api/<method>` with a JSON body (the
 * server refuses cookie-carried calls of any other content type, its guard against cross-site
 * forgery), all events share one EventSource on `/api/events` opened at the first subscription.
 * Built from the contract's name lists, so a method added to the contract works here without code.
 */
export function createHttpConsoleApi(options: HttpConsoleApiOptions): ConsoleApi {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let source: EventSource | null = null

  async function call(method: string, input: unknown): Promise<unknown> {
    let response: Response
    try {
      response = await doFetch(`${options.origin}/api/${method}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(options.token ? { Authorization: `Bearer ${options.token}` } : {})
        },
        // The session cookie goes to our own origin only.
        credentials: 'same-origin',
        body: JSON.stringify(input ?? {}),
        // The live feed ends its subscription while the page goes away (pagehide); only a
        // keepalive request outlives the page. Kept to that one small call: keepalive bodies
        // share a 64 KB budget.
        keepalive: method === 'unsubscribeEvents'
      })
    } catch (error) {
      throw new ConsoleCallError({
        code: 'transport_failed',
        message:
          `ControlDeck's browser-mode server did not answer (${(error as Error).message}). ` +
          'Is `controldeck serve` still running?',
        retriable: true
      })
    }
    const body: unknown = await response.json().catch(() => null)
    const envelope = EnvelopeSchema.safeParse(body)
    if (!envelope.success) {
      throw new ConsoleCallError({
        code: 'transport_failed',
        message: `ControlDeck's browser-mode server answered ${response.status} without a usable body.`,
        status: response.status,
        retriable: response.status >= 500
      })
    }
    if (envelope.data.ok) return envelope.data.result
    throw toConsoleCallError(envelope.data.error)
  }

  function ensureSource(): EventSource | null {
    if (source) return source
    const Source = options.EventSource ?? globalThis.EventSource
    // Same origin: the browser sends the session cookie. No token in the URL, ever.
    source = new Source(`${options.origin}/api/events`)
    for (const name of listeners.keys()) attach(name)
    return source
  }

  function attach(name: string): void {
    source?.addEventListener(name, (event) => {
      let payload: unknown
      try {
        payload = JSON.parse((event as MessageEvent<string>).data)
      } catch {
        return
      }
      for (const listener of listeners.get(name) ?? []) {
        try {
          listener(payload)
        } catch (error) {
          console.error(`controldeck: a ${name} listener threw`, error)
        }
      }
    })
  }

  const api: Record<string, unknown> = {}
  for (const name of Object.keys(CONSOLE_METHODS)) {
    api[name] = (input: unknown) => call(name, input)
  }
  for (const name of Object.keys(CONSOLE_EVENTS)) {
    api[name] = (listener: (payload: unknown) => void) => {
      let set = listeners.get(name)
      if (!set) {
        listeners.set(name, (set = new Set()))
        // One DOM listener per event name; the Set fans out to the renderer's listeners.
        if (source) attach(name)
      }
      set.add(listener)
      ensureSource()
      return () => {
        set.delete(listener)
      }
    }
  }
  return api as ConsoleApi
}

import { z } from 'zod'
import {
  CONSOLE_EVENTS,
  CONSOLE_METHODS,
  isConsoleEventName,
  isConsoleMethodName,
  type ConsoleEventName,
  type ConsoleEventSink,
  type ConsoleHandlers,
  type Unsubscribe
} from '../../shared/console/api'
import { ConsoleFailure, describeInvalidInput, isConsoleFailure, type ConsoleError } from '../../shared/console/errors'
import type { ServiceContext } from './context'
import { createAppHandlers } from './handlers/app'
import { createBundlesHandlers } from './handlers/bundles'
import { createCacheHandlers } from './handlers/cache'
import { createDataHandlers } from './handlers/data'
import { createEnvironmentsHandlers } from './handlers/environments'
import { createLiveHandlers } from './handlers/live'
import { createRunsHandlers } from './handlers/runs'
import { createConsoleSessions } from './session/console-sessions'
import { fail, toConsoleFailure } from './session/failures'
import { refuseWriteWhenReadOnly } from './session/read-only'

/** Receives every event pushed by the services, already validated against its payload schema. */
export type ConsoleEventListener = (name: ConsoleEventName, payload: unknown) => void

/** Where the services report what the renderer must not see (stack traces, bad payloads). */
export type ServiceLog = (message: string, details?: unknown) => void

/**
 * The main side of ConsoleApi, independent of transport: the Electron IPC handlers and the
 * browser-mode HTTP server both call `invoke` and forward what `subscribe` delivers.
 */
export interface ConsoleService {
  readonly context: ServiceContext
  /**
   * Runs one method: validates `rawInput` with the method's input schema and refuses a `write`
   * method on a read-only environment before any handler runs, then parses the handler's result
   * with the output schema. Every transport calls this, so these checks hold for all of them.
   * @throws ConsoleFailure always (unknown_method, invalid_input, read_only, not_implemented,
   * internal, or the handler's own ConsoleFailure), never a raw error.
   */
  invoke(method: string, rawInput: unknown): Promise<unknown>
  /** Receives every pushed event until the returned function is called. */
  subscribe(listener: ConsoleEventListener): Unsubscribe
  /** Disposes every handler module (closes caches, sockets, timers). */
  dispose(): Promise<void>
}

/** A handler module of any domain, as the composition sees it (names line up at run time). */
export interface AnyHandlerModule {
  readonly handlers: object
  dispose?(): Promise<void> | void
}

/**
 * What a transport needs to build the services: everything in ServiceContext except what the
 * service builds itself (the event sink and the sessions).
 */
export type ConsoleServiceOptions = Omit<ServiceContext, 'events' | 'sessions'> & {
  readonly log?: ServiceLog
  /**
   * Replaces the standard handler factories (tests of a transport only). With them the active
   * environment opens on first use instead of at start-up.
   */
  readonly handlerFactories?: ReadonlyArray<(ctx: ServiceContext) => AnyHandlerModule>
}

/** The handler factory of every domain; a new domain adds one line here. */
const HANDLER_FACTORIES = [
  createAppHandlers,
  createEnvironmentsHandlers,
  createDataHandlers,
  createLiveHandlers,
  createCacheHandlers,
  createRunsHandlers,
  createBundlesHandlers
] as const

/**
 * HTTP status that browser mode answers with for a failure code: transport-level failures get
 * their HTTP status, failures of the operation 200 (the `{ok:false, error}` body says what happened).
 */
export function statusForConsoleError(error: ConsoleError): number {
  switch (error.code) {
    case 'invalid_input':
      return 400
    case 'unauthorized':
      return 401
    case 'forbidden_origin':
    case 'forbidden_host':
      return 403
    case 'unknown_method':
      return 404
    case 'method_not_allowed':
      return 405
    case 'payload_too_large':
      return 413
    case 'internal':
      return 500
    case 'not_implemented':
      return 501
    default:
      // A failure of the operation itself (backend away, not found on the backend, read-only…):
      // the transport worked, so 200 with `{ok:false, error}`, as JSON-RPC does. It also keeps
      // browsers from logging every expected failure as a failed resource load.
      return 200
  }
}

/**
 * Turns anything thrown into the ConsoleError a transport sends. Expected failures pass through;
 * anything else is a bug: its details go to the log and the renderer gets one generic sentence.
 */
export function toConsoleError(error: unknown, log: ServiceLog, context: string): ConsoleError {
  if (isConsoleFailure(error)) return error.error
  log(`${context} failed unexpectedly`, error)
  return {
    code: 'internal',
    message: 'Something went wrong inside ControlDeck; the details are in its log.',
    retriable: false
  }
}

/** The log of a launch that gives none: stderr, where the app's and `serve`'s own output goes. */
export function logToStderr(message: string, details?: unknown): void {
  console.error(`[controldeck] ${message}`, details ?? '')
}

/** Creates the services for one launch. */
export function createConsoleService(options: ConsoleServiceOptions): ConsoleService {
  const log = options.log ?? logToStderr
  const listeners = new Set<ConsoleEventListener>()

  const events: ConsoleEventSink = {
    emit(name, payload) {
      if (!isConsoleEventName(name)) {
        log(`dropped unknown event ${String(name)}`)
        return
      }
      const parsed = CONSOLE_EVENTS[name].payload.safeParse(payload)
      if (!parsed.success) {
        // A bug on the main side; the renderer would only choke on it.
        log(`dropped invalid ${name} payload: ${z.prettifyError(parsed.error)}`)
        return
      }
      for (const listener of listeners) {
        try {
          listener(name, parsed.data)
        } catch (error) {
          log(`event listener for ${name} threw`, error)
        }
      }
    }
  }

  const { log: _log, handlerFactories, ...contextFields } = options
  // One SessionManager per service, made here and passed to every factory, so no handler depends
  // on the order the factories run in.
  const sessions = createConsoleSessions({
    dataDir: options.dataDir,
    localEngine: options.localEngine,
    adHocEnvironment: options.adHocEnvironment,
    events,
    log
  })
  const context: ServiceContext = { ...contextFields, events, sessions }
  const factories: ReadonlyArray<(ctx: ServiceContext) => AnyHandlerModule> =
    handlerFactories ?? HANDLER_FACTORIES
  const modules = factories.map((factory) => factory(context))
  // Opening the active environment is part of start-up: a renderer's first calls right after load
  // then find it open (and the live and cache methods wait for it if it is still opening).
  if (!handlerFactories) sessions.start()
  // Domains are typed one by one in their own files; here they only need to line up by name.
  const handlers: Partial<ConsoleHandlers> = Object.assign(
    {},
    ...modules.map((module) => module.handlers)
  )

  async function invoke(method: string, rawInput: unknown): Promise<unknown> {
    if (!isConsoleMethodName(method)) {
      throw fail('unknown_method', `ControlDeck has no method called ${method}.`, 404)
    }
    const definition = CONSOLE_METHODS[method]
    const input = definition.input.safeParse(rawInput ?? {})
    if (!input.success) {
      throw fail('invalid_input', describeInvalidInput(input.error.issues), 400)
    }
    const handler = handlers[method] as ((input: unknown) => Promise<unknown>) | undefined
    if (!handler) {
      throw fail('not_implemented', `${method} is not available in this build yet.`, 501)
    }
    let result: unknown
    try {
      await refuseWriteWhenReadOnly(method, definition, () =>
        sessions.activeProfile().catch((error: unknown) => Promise.reject(toConsoleFailure(error)))
      )
      result = await handler(input.data)
    } catch (error) {
      throw new ConsoleFailure(toConsoleError(error, log, method))
    }
    const output = definition.output.safeParse(result)
    if (!output.success) {
      log(`${method} returned a result its schema refuses: ${z.prettifyError(output.error)}`)
      throw fail('internal', 'ControlDeck produced an answer it could not check.', 500)
    }
    return output.data
  }

  return {
    context,
    invoke,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    async dispose() {
      listeners.clear()
      for (const module of modules.reverse()) {
        try {
          await module.dispose?.()
        } catch (error) {
          log('a handler module failed to dispose', error)
        }
      }
      // After the handlers: their dispose may still reach the open session.
      try {
        await sessions.dispose()
      } catch (error) {
        log('the environment sessions failed to close', error)
      }
    }
  }
}

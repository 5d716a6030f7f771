import { z } from 'zod'
import {
  CONSOLE_EVENTS,
  CONSOLE_METHODS,
  isConsoleEventName,
  isConsoleMethodName,
  type ConsoleDomainName,
  type ConsoleDomains,
  type ConsoleEventName,
  type ConsoleEventSink,
  type ConsoleHandlers,
  type Unsubscribe
} from '../../shared/console/api'
import {
  ConsoleFailure,
  describeInvalidInput,
  isConsoleFailure,
  statusForConsoleErrorCode,
  type ConsoleError
} from '../../shared/console/errors'
import type { EventDefinition } from '../../shared/console/define'
import type { HandlerModule, ServiceContext } from './context'
import { createAppHandlers } from './handlers/app'
import { createBundlesHandlers } from './handlers/bundles'
import { createCacheHandlers } from './handlers/cache'
import { createDataHandlers } from './handlers/data'
import { createEnvironmentsHandlers } from './handlers/environments'
import { createGovernanceHandlers } from './handlers/governance'
import { createLiveHandlers } from './handlers/live'
import { createNotificationsHandlers } from './handlers/notifications'
import { createRunsHandlers } from './handlers/runs'
import { createConsoleSessions, type ConsoleSessionsOptions } from './session/console-sessions'
import { fail, toConsoleFailure } from './session/failures'
import { refuseWriteWhenReadOnly } from './session/read-only'
import { createUpdateController } from './updates/update-controller'

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
  observe?(name: string, payload: unknown): void
  dispose?(): Promise<void> | void
}

/**
 * What a transport needs to build the services: everything in ServiceContext except what the
 * service builds itself (the event sink, the sessions and the update controller).
 */
export type ConsoleServiceOptions = Omit<ServiceContext, 'events' | 'sessions' | 'updates'> & {
  readonly log?: ServiceLog
  /**
   * Replaces the standard handler factories (tests of a transport only). With them the active
   * environment opens on first use instead of at start-up.
   */
  readonly handlerFactories?: ReadonlyArray<(ctx: ServiceContext) => AnyHandlerModule>
  /** How the environment sessions open (the CLI: no live stream, short waits). */
  readonly sessionOptions?: Pick<ConsoleSessionsOptions, 'live' | 'manager'>
  /**
   * False opens the active environment on first use rather than at start-up (a one-shot CLI
   * command: a failure to open then reaches the caller as the method's failure, not as a log line).
   */
  readonly openAtStart?: boolean
}

/** One handler factory per domain of the contract: a domain without one does not compile. */
export type DomainFactories = {
  readonly [D in ConsoleDomainName]: (
    ctx: ServiceContext
  ) => HandlerModule<ConsoleDomains[D]['methods']>
}

/** The handler factory of every domain, in start-up order (disposed in reverse). */
const HANDLER_FACTORIES: DomainFactories = {
  app: createAppHandlers,
  environments: createEnvironmentsHandlers,
  data: createDataHandlers,
  live: createLiveHandlers,
  cache: createCacheHandlers,
  governance: createGovernanceHandlers,
  runs: createRunsHandlers,
  notifications: createNotificationsHandlers,
  bundles: createBundlesHandlers
}

/** HTTP status that browser mode answers with for a failure (from the one code table). */
export function statusForConsoleError(error: ConsoleError): number {
  return statusForConsoleErrorCode(error.code)
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
      const definition: EventDefinition = CONSOLE_EVENTS[name]
      let checked: unknown = payload
      if (definition.validatedAtSource !== true) {
        const parsed = definition.payload.safeParse(payload)
        if (!parsed.success) {
          // A bug on the main side; the renderer would only choke on it.
          log(`dropped invalid ${name} payload: ${z.prettifyError(parsed.error)}`)
          return
        }
        checked = parsed.data
      }
      for (const listener of listeners) {
        try {
          listener(name, checked)
        } catch (error) {
          log(`event listener for ${name} threw`, error)
        }
      }
    }
  }

  const { log: _log, handlerFactories, sessionOptions, openAtStart, ...contextFields } = options
  // One SessionManager per service, made here and passed to every factory, so no handler depends
  // on the order the factories run in.
  const sessions = createConsoleSessions({
    ...sessionOptions,
    dataDir: options.dataDir,
    localEngine: options.localEngine,
    adHocEnvironment: options.adHocEnvironment,
    events,
    log
  })
  const updates = createUpdateController({
    initialReason:
      options.transport === 'browser'
        ? 'Browser mode does not update itself; update the ControlDeck installation that serves it.'
        : 'Updates are not set up in this launch.',
    onState: (state) => events.emit('onUpdateState', state),
    log
  })
  const context: ServiceContext = { ...contextFields, events, sessions, updates }
  const factories: ReadonlyArray<(ctx: ServiceContext) => AnyHandlerModule> =
    handlerFactories ?? Object.values(HANDLER_FACTORIES)
  const modules = factories.map((factory) => factory(context))
  for (const module of modules) {
    const observe = module.observe?.bind(module)
    if (observe) listeners.add(observe)
  }
  // Opening the active environment is part of start-up: a renderer's first calls right after load
  // then find it open (and the live and cache methods wait for it if it is still opening).
  if (!handlerFactories && openAtStart !== false) sessions.start()
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

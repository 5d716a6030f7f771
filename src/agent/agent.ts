import { DEFAULT_BACKOFF } from './backoff'
import { AgentTracing } from './otel'
import { CancelledError, ControlDeckError, HttpStatusError } from './errors'
import { HttpClient } from './http'
import { Mission } from './mission'
import { AgentSession } from './session'
import type { ConnectOptions, MissionOptions } from './types'

/** How long shutdown waits for running jobs to record their cancellation (the runner kills at 3 s). */
const SHUTDOWN_WAIT_MS = 2000

/**
 * Connects to a NeuroRail engine (the embedded ControlDeck engine or a BRAiN backend) and checks
 * that it answers. URL and token default to `CONTROLDECK_URL` / `CONTROLDECK_TOKEN`, which the
 * console and `controldeck run` set for the scripts they start.
 *
 * @example
 * import { connect } from 'controldeck/agent'
 *
 * const agent = await connect()                       // or connect({ url, token })
 * const mission = await agent.mission({ tags: { agent: 'summarizer' } })
 * const plan = await mission.plan('sequential')
 * const text = await plan.job('llm_call', { timeout_ms: 5_000, max_retries: 2, max_llm_tokens: 1_000 }, async (ctx) => {
 *   const reply = await summarize(doc, { signal: ctx.signal })
 *   await ctx.reportUsage({ llmTokens: reply.tokens, costCredits: reply.cost })
 *   return reply.text
 * })
 * await mission.complete()
 * await agent.close()
 */
export async function connect(options: ConnectOptions = {}): Promise<ControlDeckAgent> {
  const url = options.url ?? process.env.CONTROLDECK_URL
  if (!url) {
    throw new ControlDeckError(
      'invalid_argument',
      'No engine URL: pass {url} or set CONTROLDECK_URL.',
      false
    )
  }
  const http = new HttpClient({
    url,
    token: options.token ?? process.env.CONTROLDECK_TOKEN,
    requestTimeoutMs: options.requestTimeoutMs,
    maxSockets: options.maxSockets
  })
  let features: string[] = []
  try {
    const caps = await http.get<{ features?: unknown }>('/capabilities')
    if (Array.isArray(caps?.features))
      features = caps.features.filter((f): f is string => typeof f === 'string')
  } catch (err) {
    // BRAiN has no /capabilities: a 404 means "the baseline API", anything else is a real failure.
    if (!(err instanceof HttpStatusError && err.status === 404)) {
      http.close()
      throw err
    }
  }
  return new ControlDeckAgent(http, features, options)
}

/**
 * A connected agent. Create missions with {@link ControlDeckAgent.mission}, plans on them, and run
 * governed jobs on the plans. Call {@link ControlDeckAgent.close} when done so the process can exit.
 */
export class ControlDeckAgent {
  private readonly session: AgentSession
  private readonly shutdownController = new AbortController()
  private readonly missions = new Set<Mission>()
  private adoptMissionId: string | null
  private readonly signalHandlers: Array<[NodeJS.Signals, () => void]> = []
  private closed = false

  /** @internal Use {@link connect}. */
  constructor(
    private readonly http: HttpClient,
    /** Feature names the engine lists in GET /capabilities (empty on BRAiN). */
    readonly features: readonly string[],
    options: ConnectOptions
  ) {
    this.session = new AgentSession(
      http,
      { ...DEFAULT_BACKOFF, ...options.backoff },
      new Set(features),
      this.shutdownController.signal,
      new AgentTracing(options.otel)
    )
    this.adoptMissionId = options.missionId ?? process.env.CONTROLDECK_MISSION_ID ?? null
    if (options.handleSignals ?? true) {
      for (const [signal, code] of [
        ['SIGTERM', 143],
        ['SIGINT', 130]
      ] as const) {
        const handler = (): void => {
          void this.shutdown(`received ${signal}`).finally(() => process.exit(code))
        }
        process.once(signal, handler)
        this.signalHandlers.push([signal, handler])
      }
    }
  }

  /** True when the engine is ControlDeck's own (it answered GET /capabilities). */
  get isControlDeckEngine(): boolean {
    return this.features.length > 0
  }

  /**
   * Creates a mission and moves it pending → planning. The first call adopts the mission named
   * by `CONTROLDECK_MISSION_ID` (set by the console and `controldeck run`, which print its id
   * before the agent starts) instead of creating one.
   */
  async mission(options: MissionOptions = {}): Promise<Mission> {
    this.assertOpen()
    if (this.adoptMissionId) {
      const id = this.adoptMissionId
      this.adoptMissionId = null
      const mission = await this.adopt(id)
      if (mission) return mission
    }
    const record = await this.http.post<{ mission_id: string }>('/identity/mission', {
      parent_mission_id: options.parentMissionId ?? null,
      tags: options.tags ?? {}
    })
    const mission = new Mission(
      this.session,
      record.mission_id,
      'none',
      this.session.tracing.mission(record.mission_id, options.tags ?? {})
    )
    this.missions.add(mission)
    mission.setState(await this.session.transition('mission', record.mission_id, 'create'))
    mission.setState(await this.session.transition('mission', record.mission_id, 'start'))
    return mission
  }

  /** Joins a mission someone else created; null when it cannot be moved on (then we create one). */
  private async adopt(id: string): Promise<Mission | null> {
    let state: string | null = null
    try {
      const res = await this.http.get<{ current_state?: unknown }>(
        `/lifecycle/mission/${encodeURIComponent(id)}/state`
      )
      state = typeof res.current_state === 'string' ? res.current_state : null
    } catch (err) {
      if (!(err instanceof HttpStatusError && err.status === 404)) throw err
    }
    const mission = new Mission(
      this.session,
      id,
      state ?? 'none',
      this.session.tracing.mission(id, {})
    )
    if (state === null) mission.setState(await this.session.transition('mission', id, 'create'))
    if (mission.finished) return null
    if (mission.state === 'pending')
      mission.setState(await this.session.transition('mission', id, 'start'))
    this.missions.add(mission)
    return mission
  }

  /**
   * Cancels everything this agent has open: running attempts fail (`CANCELLED`), their jobs end
   * `cancelled`, unfinished missions are cancelled. Waits up to 2 s for jobs to record it. Called
   * on SIGTERM/SIGINT unless `handleSignals` is false. The agent is closed afterwards.
   */
  async shutdown(reason = 'shutdown'): Promise<void> {
    if (this.closed) return
    this.shutdownController.abort(new CancelledError(`The agent is shutting down (${reason}).`))
    const jobs = Promise.allSettled([...this.session.activeJobs])
    await Promise.race([
      jobs,
      new Promise((resolve) => setTimeout(resolve, SHUTDOWN_WAIT_MS).unref())
    ])
    await Promise.allSettled(
      [...this.missions].filter((m) => !m.finished).map((m) => m.cancel(reason))
    )
    await this.close()
  }

  /** Closes the keep-alive sockets and removes the signal handlers. Open missions stay as they are. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const [signal, handler] of this.signalHandlers) process.removeListener(signal, handler)
    this.http.close()
  }

  private assertOpen(): void {
    if (this.closed) throw new ControlDeckError('invalid_argument', 'The agent is closed.', false)
  }
}

import type { ConnectionState, EnvironmentView } from '../../../shared/console/domains/environments'
import type { LiveEvent } from '../../../shared/console/domains/live'
import type { ConsoleNotification } from '../../../shared/console/domains/notifications'
import type { LocalRunView } from '../../../shared/console/domains/runs'
import { isEntityId } from '../../../shared/neurorail/ids'

/** Rate limits: one per subject per `perSubjectMs`, at most `burst` per `windowMs` overall. */
export interface NotificationLimits {
  readonly perSubjectMs: number
  readonly burst: number
  readonly windowMs: number
}

/** A minute per subject, five a minute in all: a storm becomes one line with a count. */
export const DEFAULT_NOTIFICATION_LIMITS: NotificationLimits = {
  perSubjectMs: 60_000,
  burst: 5,
  windowMs: 60_000
}

/** What the policy needs to know about environments, read when it decides. */
export interface NotificationContext {
  /** The environment's view, or undefined for one that is gone. */
  environment(id: string): EnvironmentView | undefined
  /** False when the operator turned this environment's notifications off. */
  enabled(id: string): boolean
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null
}

/** The trace page of the first entity id among `candidates`, else `fallback`. */
function traceOr(fallback: string, ...candidates: unknown[]): string {
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && isEntityId(candidate)) return `trace/${candidate}`
  }
  return fallback
}

/**
 * Decides which console events deserve a notification, and rate-limits them. It sees every pushed
 * event and every live event of the open environment; it notifies for a circuit that opens, a
 * budget violation, a local run that fails, and a production environment whose connection drops or
 * whose credential is refused, each only when that environment's notifications are on. Over the
 * limits, notifications are held back and counted; the next one that passes says how many were.
 */
export class NotificationPolicy {
  private readonly lastBySubject = new Map<string, number>()
  private sentAt: number[] = []
  private suppressed = 0
  private readonly runStatus = new Map<string, LocalRunView['status']>()
  private readonly connection = new Map<string, ConnectionState['status']>()

  constructor(
    private readonly context: NotificationContext,
    private readonly limits: NotificationLimits = DEFAULT_NOTIFICATION_LIMITS,
    private readonly now: () => number = Date.now
  ) {}

  /** Held back by the limits since the last notification that went out. */
  get suppressedCount(): number {
    return this.suppressed
  }

  /** Live events of environment `environmentId`: circuits opening, budget violations. */
  fromLiveEvents(events: readonly LiveEvent[], environmentId: string): ConsoleNotification[] {
    const out: ConsoleNotification[] = []
    for (const event of events) {
      const data = (event.data ?? {}) as Record<string, unknown>
      if (event.event_type === 'circuit_state_changed' && data.to_state === 'open') {
        const circuit = str(data.circuit_id) ?? 'a circuit'
        const failures =
          typeof data.failure_count === 'number' ? ` after ${data.failure_count} failures` : ''
        this.push(out, {
          kind: 'circuit_open',
          environmentId,
          subject: `circuit:${circuit}`,
          title: `Circuit ${circuit} opened`,
          body: `Jobs behind it are refused until it recovers${failures}.`,
          path: 'reflex'
        })
      } else if (event.event_type === 'budget_violation') {
        const type = str(data.violation_type) ?? 'budget'
        const job = str(data.job_id)
        this.push(out, {
          kind: 'budget_violation',
          environmentId,
          subject: `budget:${type}:${job ?? str(data.violation_id) ?? event.id}`,
          title: `Budget violation: ${type.replace(/_/g, ' ')}`,
          body: [str(data.code), str(data.message), job ? `job ${job}` : null]
            .filter(Boolean)
            .join(' · '),
          path: traceOr('budget', data.job_id, data.mission_id)
        })
      }
    }
    return out
  }

  /** A pushed ConsoleApi event (connection states, local runs). */
  fromConsoleEvent(name: string, payload: unknown): ConsoleNotification[] {
    const out: ConsoleNotification[] = []
    if (name === 'onConnectionState') this.connectionChanged(payload as ConnectionState, out)
    else if (name === 'onRunsChanged')
      this.runsChanged((payload as { runs: LocalRunView[] }).runs, out)
    return out
  }

  private connectionChanged(state: ConnectionState, out: ConsoleNotification[]): void {
    const before = this.connection.get(state.environmentId)
    this.connection.set(state.environmentId, state.status)
    if (before === state.status) return
    const env = this.context.environment(state.environmentId)
    if (!env?.isProduction) return
    if (state.status === 'auth_failed') {
      this.push(out, {
        kind: 'credential_refused',
        environmentId: env.id,
        subject: `auth:${env.id}`,
        title: `${env.name} refused the credential`,
        body: state.message ?? 'Set a new credential for this environment.',
        path: 'environments'
      })
    } else if (state.status === 'offline' && (before === 'live' || before === 'polling')) {
      this.push(out, {
        kind: 'connection_lost',
        environmentId: env.id,
        subject: `offline:${env.id}`,
        title: `Lost the connection to ${env.name}`,
        body: state.message ?? 'The console shows cached data until it is back.',
        path: 'overview'
      })
    }
  }

  private runsChanged(runs: readonly LocalRunView[], out: ConsoleNotification[]): void {
    for (const run of runs) {
      const before = this.runStatus.get(run.runId)
      this.runStatus.set(run.runId, run.status)
      const failed =
        run.status === 'failed' ||
        (run.status === 'exited' && run.exitCode !== null && run.exitCode !== 0)
      const wasDone = before === 'failed' || before === 'exited'
      if (!failed || wasDone) continue
      this.push(out, {
        // Local runs always run against the embedded engine.
        kind: 'run_failed',
        environmentId: 'local',
        subject: `run:${run.runId}`,
        title: `Local run ${run.label} failed`,
        body:
          run.error ??
          (run.exitCode !== null
            ? `It exited with code ${run.exitCode}.`
            : `It ended by ${run.signal ?? 'a signal'}.`),
        path: run.missionId && isEntityId(run.missionId) ? `trace/${run.missionId}` : 'runs'
      })
    }
    if (this.runStatus.size > 1000) {
      const live = new Set(runs.map((r) => r.runId))
      for (const id of this.runStatus.keys()) if (!live.has(id)) this.runStatus.delete(id)
    }
  }

  private push(
    out: ConsoleNotification[],
    n: Omit<ConsoleNotification, 'tag'> & { subject: string }
  ): void {
    if (!this.context.enabled(n.environmentId)) return
    const now = this.now()
    const tag = `${n.environmentId}:${n.subject}`.slice(0, 300)
    const last = this.lastBySubject.get(tag)
    this.sentAt = this.sentAt.filter((t) => now - t < this.limits.windowMs)
    if (
      (last !== undefined && now - last < this.limits.perSubjectMs) ||
      this.sentAt.length >= this.limits.burst
    ) {
      this.suppressed++
      return
    }
    this.lastBySubject.set(tag, now)
    if (this.lastBySubject.size > 2000) {
      for (const [key, at] of this.lastBySubject)
        if (now - at >= this.limits.perSubjectMs) this.lastBySubject.delete(key)
    }
    this.sentAt.push(now)
    const more = this.suppressed > 0 ? ` (${this.suppressed} more held back)` : ''
    this.suppressed = 0
    out.push({
      kind: n.kind,
      environmentId: n.environmentId,
      title: clip(n.title, 200),
      body: clip(`${n.body}${more}`, 1000),
      path: n.path,
      tag
    })
  }
}

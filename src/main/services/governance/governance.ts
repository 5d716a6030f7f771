import { z } from 'zod'
import {
  SHADOW_DISAGREEMENTS_SHOWN,
  type CircuitView,
  type JobBudgetView,
  type ManifestView,
  type ReflexActionView,
  type ReflexJobView,
  type ShadowDisagreementView,
  type SignalView,
  type TriggerView,
  type ViolationView
} from '../../../shared/console/domains/governance'
import { ConsoleFailure } from '../../../shared/console/errors'
import {
  CircuitListSchema,
  CircuitResetSchema,
  ReflexActionPageSchema,
  ReflexJobListSchema,
  TriggerListSchema
} from '../../../shared/neurorail/governance'
import { isBackendError } from '../client/backend-error'
import type { BackendClient } from '../client/backend-client'
import {
  rowsOf,
  toJobBudgetView,
  toManifestView,
  toReflexJobView,
  toShadowDisagreementView,
  toSignalView,
  toViolationView
} from './governance-views'
import {
  reflexActionOfRecord,
  toCircuitView,
  toTriggerView
} from '../../../shared/console/governance-mapper'

/** `available: false` answers: the page shows `message` instead of empty tables. */
export interface Availability {
  available: boolean
  message: string | null
}

const AVAILABLE: Availability = { available: true, message: null }
const Json = z.unknown()

/** Reflex and jobs whose reflex state needs the operator's eye come first. */
const JOB_STATE_ORDER: Record<string, number> = { suspended: 0, throttled: 1, running: 2 }

/**
 * The governance reads and writes of the active environment (reflex, budget, signals, governor
 * manifests). Routes the backend lacks (BRAiN has none of them: its reflexes and budgets live
 * in-process) answer `available: false` with a sentence, not an error.
 */
export class GovernanceApi {
  constructor(private readonly client: () => Promise<BackendClient | null>) {}

  async circuits(): Promise<
    Availability & { circuits: CircuitView[]; triggers: TriggerView[]; jobs: ReflexJobView[] }
  > {
    const [circuits, triggers, jobs] = await Promise.all([
      this.read('/reflex/circuits', 'reflex circuit breakers', CircuitListSchema),
      this.read('/reflex/triggers', 'reflex triggers', TriggerListSchema).catch(() => null),
      this.read('/reflex/jobs', 'reflex jobs', ReflexJobListSchema).catch(() => null)
    ])
    if (!circuits.ok) return { ...circuits.availability, circuits: [], triggers: [], jobs: [] }
    const jobViews = (jobs?.ok ? jobs.body.jobs : []).map((row) => toReflexJobView(row))
    jobViews.sort((a, b) => (JOB_STATE_ORDER[a.state] ?? 9) - (JOB_STATE_ORDER[b.state] ?? 9))
    return {
      ...AVAILABLE,
      circuits: circuits.body.circuits.map(toCircuitView),
      triggers: (triggers?.ok ? triggers.body.triggers : []).map(toTriggerView),
      jobs: jobViews
    }
  }

  async resetCircuit(circuitId: string): Promise<CircuitView> {
    const body = await this.write(
      `/reflex/circuits/${encodeURIComponent(circuitId)}/reset`,
      {},
      CircuitResetSchema
    )
    return toCircuitView(body.circuit)
  }

  async actions(limit: number): Promise<Availability & { actions: ReflexActionView[] }> {
    const res = await this.read(
      `/reflex/actions?limit=${limit}`,
      'reflex actions',
      ReflexActionPageSchema
    )
    if (!res.ok) return { ...res.availability, actions: [] }
    return {
      ...AVAILABLE,
      actions: newestFirst(res.body.items.map(reflexActionOfRecord)).slice(0, limit)
    }
  }

  async suspendJob(jobId: string, reason?: string): Promise<ReflexJobView> {
    const body = await this.write(
      `/reflex/jobs/${encodeURIComponent(jobId)}/suspend`,
      reason ? { reason } : {}
    )
    return toReflexJobView((body as { job?: unknown })?.job ?? body)
  }

  async resumeJob(jobId: string, force = false, reason?: string): Promise<ReflexJobView> {
    const body = await this.write(`/reflex/jobs/${encodeURIComponent(jobId)}/resume`, {
      force,
      ...(reason ? { reason } : {})
    })
    return toReflexJobView((body as { job?: unknown })?.job ?? body)
  }

  async violations(
    limit: number,
    jobId?: string
  ): Promise<Availability & { violations: ViolationView[] }> {
    const query = `?limit=${limit}${jobId ? `&job_id=${encodeURIComponent(jobId)}` : ''}`
    const res = await this.read(`/budget/violations${query}`, 'budget violations')
    if (!res.ok) return { ...res.availability, violations: [] }
    let views = rowsOf(res.body, ['violations']).map(toViolationView)
    if (jobId) views = views.filter((v) => v.jobId === jobId)
    return { ...AVAILABLE, violations: newestFirst(views).slice(0, limit) }
  }

  async budgetOverview(input: { jobIds?: string[]; limit: number }): Promise<
    Availability & {
      jobs: JobBudgetView[]
      totals: { llmTokens: number; costCredits: number; violations: number }
      violationsByType: Record<string, number>
    }
  > {
    const empty = {
      jobs: [],
      totals: { llmTokens: 0, costCredits: 0, violations: 0 },
      violationsByType: {}
    }
    const violations = await this.violations(500)
    if (!violations.available) return { ...violations, ...empty }
    let jobs: Array<{ jobId: string; jobType: string | null }>
    if (input.jobIds && input.jobIds.length > 0) {
      jobs = input.jobIds.map((jobId) => ({ jobId, jobType: null }))
    } else {
      const list = await this.read(`/identity/jobs?limit=${input.limit}`, 'job lists')
      jobs = list.ok
        ? rowsOf(list.body, ['jobs']).map((row) => ({
            jobId: String(row.job_id),
            jobType: typeof row.job_type === 'string' ? row.job_type : null
          }))
        : []
    }
    const views = await Promise.all(
      jobs.map(async ({ jobId, jobType }) => {
        const [res, attempts] = await Promise.all([
          this.read(`/budget/jobs/${encodeURIComponent(jobId)}`, 'job budgets').catch(() => null),
          // The budget answer has no attempt count; the attempt list (an engine extension) does.
          this.read(
            `/identity/attempts?job_id=${encodeURIComponent(jobId)}&limit=500`,
            'attempt lists'
          ).catch(() => null)
        ])
        const attemptCount = attempts?.ok ? rowsOf(attempts.body, ['attempts']).length : null
        return res?.ok ? toJobBudgetView(jobId, res.body, jobType, attemptCount) : null
      })
    )
    const found = views.filter((v): v is JobBudgetView => v !== null)
    const violationsByType: Record<string, number> = {}
    for (const v of violations.violations)
      violationsByType[v.violationType] = (violationsByType[v.violationType] ?? 0) + 1
    return {
      ...AVAILABLE,
      jobs: found,
      totals: {
        llmTokens: found.reduce((sum, j) => sum + j.llmTokens, 0),
        costCredits: found.reduce((sum, j) => sum + j.costCredits, 0),
        violations: violations.violations.length
      },
      violationsByType
    }
  }

  async signals(limit: number): Promise<Availability & { signals: SignalView[] }> {
    const res = await this.read(`/signals?limit=${limit}`, 'governance signals')
    if (!res.ok) return { ...res.availability, signals: [] }
    return {
      ...AVAILABLE,
      signals: newestFirst(rowsOf(res.body, ['signals']).map(toSignalView)).slice(0, limit)
    }
  }

  async manifests(): Promise<
    Availability & {
      manifests: ManifestView[]
      disagreementCount: number
      disagreements: ShadowDisagreementView[]
    }
  > {
    const [res, page] = await Promise.all([
      this.read('/governor/manifests', 'governor manifests'),
      // Disagreements are an extra: a backend without the route still shows its manifests.
      this.read(
        `/governor/shadow/disagreements?limit=${SHADOW_DISAGREEMENTS_SHOWN}`,
        'shadow disagreements'
      ).catch(() => null)
    ])
    if (!res.ok)
      return { ...res.availability, manifests: [], disagreementCount: 0, disagreements: [] }
    const body = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as Record<
      string,
      unknown
    >
    const version = (v: unknown): string | null =>
      typeof v === 'string'
        ? v
        : typeof v === 'object' &&
            v !== null &&
            typeof (v as { version?: unknown }).version === 'string'
          ? (v as { version: string }).version
          : null
    const active = version(body.active_version ?? body.active)
    const shadow = version(body.shadow_version ?? body.shadow)
    const builtin = version(body.builtin)
    const disagreements = (page?.ok ? rowsOf(page.body, ['disagreements']) : [])
      .map(toShadowDisagreementView)
      .slice(0, SHADOW_DISAGREEMENTS_SHOWN)
    const counted =
      typeof body.disagreement_count === 'number' && Number.isFinite(body.disagreement_count)
        ? Math.round(body.disagreement_count)
        : 0
    return {
      ...AVAILABLE,
      manifests: rowsOf(res.body, ['manifests']).map((row) =>
        toManifestView(row, active, shadow, builtin)
      ),
      // The count covers every disagreement; never less than the rows shown.
      disagreementCount: Math.max(0, counted, disagreements.length),
      disagreements
    }
  }

  /**
   * GET a route and parse its answer with `schema` (the shared endpoint shape; routes without one
   * yet are read as JSON and mapped tolerantly); a missing route or offline environment becomes
   * `{ok: false, availability}`.
   */
  private async read<S extends z.ZodType = typeof Json>(
    path: string,
    what: string,
    schema?: S
  ): Promise<{ ok: true; body: z.output<S> } | { ok: false; availability: Availability }> {
    const client = await this.client()
    if (!client)
      return {
        ok: false,
        availability: { available: false, message: 'The active environment is offline.' }
      }
    try {
      const body = await client.http.json({ method: 'GET', path, idempotent: true }, schema ?? Json)
      return { ok: true, body: body as z.output<S> }
    } catch (error) {
      if (
        isBackendError(error) &&
        (error.status === 404 || error.status === 405 || error.code === 'not_supported')
      ) {
        return {
          ok: false,
          availability: {
            available: false,
            message: `This backend has no ${what} endpoint (BRAiN runs them in-process).`
          }
        }
      }
      throw asFailure(error)
    }
  }

  private async write<S extends z.ZodType = typeof Json>(
    path: string,
    body: unknown,
    schema?: S
  ): Promise<z.output<S>> {
    const client = await this.client()
    if (!client)
      throw new ConsoleFailure({
        code: 'backend_unavailable',
        message: 'The active environment is offline.',
        retriable: true
      })
    try {
      return (await client.http.json({ method: 'POST', path, body }, schema ?? Json)) as z.output<S>
    } catch (error) {
      throw asFailure(error)
    }
  }
}

function asFailure(error: unknown): unknown {
  return isBackendError(error) ? new ConsoleFailure(error.toConsoleError()) : error
}

function newestFirst<T extends { at: string | null }>(rows: T[]): T[] {
  return rows.sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''))
}

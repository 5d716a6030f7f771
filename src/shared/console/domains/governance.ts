import { z } from 'zod'
import { defineMethod, type EventDefinition, type MethodDefinition } from '../define'
import { BudgetSchema } from '../../neurorail/extensions'
import {
  CircuitStateSchema,
  ReflexActionTypeSchema,
  ViolationTypeSchema,
  type CircuitState,
  type ViolationType
} from '../../neurorail/governance'

/**
 * governance domain of ConsoleApi: the governance views of the active environment (reflex
 * circuits, triggers, actions and suspended jobs; budgets and violations; signals; governor
 * manifests).
 *
 * Views are console shapes (camelCase), mapped on the main side from whatever the backend sends.
 * Every governance read carries `available`: false when the backend has no such routes (the real
 * BRAiN runs reflexes and budgets in-process and exposes no HTTP endpoint for them), with a
 * sentence in `message` the page shows instead of empty tables.
 */

// ---- Governance views ----------------------------------------------------------------------

/** Whether the backend answered this kind of read at all, and why not. */
const AvailabilityShape = {
  available: z.boolean(),
  /** Why `available` is false (e.g. "This backend has no reflex endpoints."); null otherwise. */
  message: z.string().nullable()
}

/** Governance vocabulary, defined once in src/shared/neurorail/governance. */
export {
  CircuitStateSchema,
  type CircuitState,
  ReflexActionTypeSchema,
  ViolationTypeSchema,
  type ViolationType
}

/** One circuit breaker (API §8 metrics). Times are UTC ISO strings. */
export const CircuitViewSchema = z.object({
  circuitId: z.string(),
  state: CircuitStateSchema,
  /** Consecutive failures while closed, or failures seen in half-open. */
  failureCount: z.number().int().nonnegative(),
  successCount: z.number().int().nonnegative(),
  totalCalls: z.number().int().nonnegative(),
  totalFailures: z.number().int().nonnegative(),
  totalSuccesses: z.number().int().nonnegative(),
  /** How often it has opened since the engine started. */
  openCount: z.number().int().nonnegative(),
  failureThreshold: z.number().int().positive().nullable(),
  recoveryTimeoutMs: z.number().int().nonnegative().nullable(),
  lastFailureAt: z.string().nullable(),
  lastStateChangeAt: z.string().nullable()
})
export type CircuitView = z.infer<typeof CircuitViewSchema>

/** One reflex trigger (error-rate or budget-violation threshold). */
export const TriggerViewSchema = z.object({
  triggerId: z.string(),
  errorRate: z.number().nonnegative(),
  errorRateThreshold: z.number().nonnegative().nullable(),
  windowSeconds: z.number().nonnegative().nullable(),
  minSamples: z.number().int().nonnegative().nullable(),
  budgetViolations: z.number().int().nonnegative(),
  activationCount: z.number().int().nonnegative(),
  lastActivationAt: z.string().nullable(),
  recentEventCount: z.number().int().nonnegative()
})
export type TriggerView = z.infer<typeof TriggerViewSchema>

/** A job as the reflex FSM sees it (suspended and throttled jobs carry a cooldown). */
export const ReflexJobViewSchema = z.object({
  jobId: z.string(),
  /** Reflex FSM state: pending, running, suspended, throttled, completed, failed, cancelled. */
  state: z.string(),
  cooldownUntil: z.string().nullable(),
  cooldownActive: z.boolean(),
  suspendCount: z.number().int().nonnegative(),
  throttleCount: z.number().int().nonnegative()
})
export type ReflexJobView = z.infer<typeof ReflexJobViewSchema>

/** One executed reflex action, newest first in lists. */
export const ReflexActionViewSchema = z.object({
  actionId: z.string(),
  /** suspend, throttle, alert or cancel (other names from newer backends pass through). */
  actionType: z.string(),
  jobId: z.string().nullable(),
  success: z.boolean(),
  reason: z.string(),
  at: z.string().nullable(),
  details: z.record(z.string(), z.unknown())
})
export type ReflexActionView = z.infer<typeof ReflexActionViewSchema>

/** Budget usage of one job against its budget. */
export const JobBudgetViewSchema = z.object({
  jobId: z.string(),
  jobType: z.string().nullable(),
  /** The job's budget (defaults filled in), or null when it was created without one. */
  budget: BudgetSchema.nullable(),
  llmTokens: z.number().nonnegative(),
  costCredits: z.number().nonnegative(),
  attempts: z.number().int().nonnegative(),
  retries: z.number().int().nonnegative(),
  activeAttempts: z.number().int().nonnegative(),
  elapsedMs: z.number().nonnegative().nullable(),
  violations: z.number().int().nonnegative()
})
export type JobBudgetView = z.infer<typeof JobBudgetViewSchema>

/** One budget violation, newest first in lists. */
export const ViolationViewSchema = z.object({
  violationId: z.string(),
  /** One of ViolationType; other names from newer backends pass through. */
  violationType: z.string(),
  /** NR-E code (NR-E100…NR-E104). */
  code: z.string(),
  jobId: z.string().nullable(),
  attemptId: z.string().nullable(),
  missionId: z.string().nullable(),
  message: z.string(),
  at: z.string().nullable(),
  details: z.record(z.string(), z.unknown())
})
export type ViolationView = z.infer<typeof ViolationViewSchema>

/** One governance signal (a reflex or enforcement event the engine raised). */
export const SignalViewSchema = z.object({
  signalId: z.string(),
  signalType: z.string(),
  entityId: z.string().nullable(),
  at: z.string().nullable(),
  data: z.record(z.string(), z.unknown())
})
export type SignalView = z.infer<typeof SignalViewSchema>

/** One governor manifest (rule set); exactly one is active, one may shadow it. */
export const ManifestViewSchema = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string().nullable(),
  ruleCount: z.number().int().nonnegative(),
  active: z.boolean(),
  shadow: z.boolean(),
  /** The manifest as the backend sent it (rules and budgets), for the detail view. */
  raw: z.record(z.string(), z.unknown())
})
export type ManifestView = z.infer<typeof ManifestViewSchema>

/**
 * One case where the shadow manifest would have decided differently from the active one (a
 * governor decision or a job's budget resolution), newest first in lists.
 */
export const ShadowDisagreementViewSchema = z.object({
  id: z.string(),
  at: z.string().nullable(),
  /** What was evaluated: `decide` (a governor decision) or `job` (a job's budget). */
  source: z.string(),
  jobId: z.string().nullable(),
  decisionId: z.string().nullable(),
  jobType: z.string().nullable(),
  /** What differed: `mode`, `budget` (other names from newer backends pass through). */
  fields: z.array(z.string()),
  activeMode: z.string().nullable(),
  shadowMode: z.string().nullable(),
  activeRule: z.string().nullable(),
  shadowRule: z.string().nullable()
})
export type ShadowDisagreementView = z.infer<typeof ShadowDisagreementViewSchema>

/** How many disagreements getGovernorManifests returns (the first page, newest first). */
export const SHADOW_DISAGREEMENTS_SHOWN = 20

const LimitInput = z.number().int().min(1).max(500).default(100)
const JobIdInput = z.string().min(1).max(100)

export const governanceMethods = {
  listCircuits: defineMethod({
    description:
      'Circuit breakers, reflex triggers and held reflex jobs (suspended or throttled, suspended first) of the active environment.',
    output: z.object({
      ...AvailabilityShape,
      circuits: z.array(CircuitViewSchema),
      triggers: z.array(TriggerViewSchema),
      jobs: z.array(ReflexJobViewSchema)
    })
  }),
  resetCircuit: defineMethod({
    description: 'Closes a circuit breaker by hand (failure counts cleared).',
    input: z.object({ circuitId: z.string().min(1).max(200) }),
    output: CircuitViewSchema,
    write: true
  }),
  listReflexActions: defineMethod({
    description: 'Executed reflex actions (suspend, throttle, alert, cancel), newest first.',
    input: z.object({ limit: LimitInput }),
    output: z.object({ ...AvailabilityShape, actions: z.array(ReflexActionViewSchema) })
  }),
  suspendJob: defineMethod({
    description:
      'Suspends a job through the reflex system (its next attempts are refused with NR-E006 until resumed or the cooldown ends).',
    input: z.object({ jobId: JobIdInput, reason: z.string().max(500).optional() }),
    output: ReflexJobViewSchema,
    write: true
  }),
  resumeJob: defineMethod({
    description:
      'Resumes a suspended or throttled job. Refused while its cooldown runs unless `force` (the operator overrides the reflex).',
    input: z.object({
      jobId: JobIdInput,
      force: z.boolean().default(false),
      reason: z.string().max(500).optional()
    }),
    output: ReflexJobViewSchema,
    write: true
  }),
  getBudgetOverview: defineMethod({
    description:
      'Budget usage of the most recent jobs (or of the given jobs) with totals and violation counts by type.',
    input: z.object({
      jobIds: z.array(JobIdInput).max(100).optional(),
      limit: z.number().int().min(1).max(100).default(20)
    }),
    output: z.object({
      ...AvailabilityShape,
      jobs: z.array(JobBudgetViewSchema),
      totals: z.object({
        llmTokens: z.number().nonnegative(),
        costCredits: z.number().nonnegative(),
        violations: z.number().int().nonnegative()
      }),
      violationsByType: z.record(z.string(), z.number().int().nonnegative())
    })
  }),
  listViolations: defineMethod({
    description: 'Budget violations (timeout, retries, parallelism, cost, tokens), newest first.',
    input: z.object({ limit: LimitInput, jobId: JobIdInput.optional() }),
    output: z.object({ ...AvailabilityShape, violations: z.array(ViolationViewSchema) })
  }),
  listSignals: defineMethod({
    description: 'Governance signals the engine raised (reflex and enforcement), newest first.',
    input: z.object({ limit: LimitInput }),
    output: z.object({ ...AvailabilityShape, signals: z.array(SignalViewSchema) })
  }),
  getGovernorManifests: defineMethod({
    description:
      'Governor manifests: the active one, a shadow one if any, and earlier versions; with the count of shadow disagreements and the newest of them.',
    output: z.object({
      ...AvailabilityShape,
      manifests: z.array(ManifestViewSchema),
      /** Disagreements the backend has recorded in all (0 when it keeps none). */
      disagreementCount: z.number().int().nonnegative(),
      /** The newest disagreements, at most SHADOW_DISAGREEMENTS_SHOWN. */
      disagreements: z.array(ShadowDisagreementViewSchema)
    })
  })
} satisfies Record<string, MethodDefinition>

export const governanceEvents = {} satisfies Record<string, EventDefinition>

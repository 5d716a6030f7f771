import { z } from 'zod'
import { defineEvent, defineMethod, type EventDefinition, type MethodDefinition } from '../define'
import { BudgetSchema } from '../../neurorail/extensions'
import {
  CircuitStateSchema,
  ReflexActionTypeSchema,
  ViolationTypeSchema,
  type CircuitState,
  type ViolationType
} from '../../neurorail/governance'

/**
 * runs domain of ConsoleApi: the governance views of the active environment (reflex circuits,
 * triggers, actions and suspended jobs; budgets and violations; signals; governor manifests) and
 * local agent runs (child processes wired to the embedded engine).
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
export { CircuitStateSchema, type CircuitState, ReflexActionTypeSchema, ViolationTypeSchema, type ViolationType }

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

// ---- Local runs ----------------------------------------------------------------------------

/** The bundled demo agents. */
export const DEMO_SCRIPTS = ['demo:flaky', 'demo:slow', 'demo:greedy'] as const
export const DemoScriptSchema = z.enum(DEMO_SCRIPTS)
export type DemoScript = z.infer<typeof DemoScriptSchema>

/**
 * What a local run executes: a bundled demo or an absolute path to a `.js`, `.mjs` or `.ts` file
 * on the main side's machine. Paths are checked again (existence, regular file) before spawning.
 */
export const LocalRunScriptSchema = z.union([
  DemoScriptSchema,
  z
    .string()
    .max(4096)
    .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'script must be an absolute path or demo:flaky, demo:slow, demo:greedy')
    .refine((p) => /\.(js|mjs|ts)$/.test(p), 'script must end in .js, .mjs or .ts')
    .refine((p) => !p.includes('\0'), 'script must not contain NUL')
])
export type LocalRunScript = z.infer<typeof LocalRunScriptSchema>

/** starting → running → stopping → exited (code or signal) | failed (could not start). */
export const LocalRunStatusSchema = z.enum(['starting', 'running', 'stopping', 'exited', 'failed'])
export type LocalRunStatus = z.infer<typeof LocalRunStatusSchema>

/** One local run as the console shows it. */
export const LocalRunViewSchema = z.object({
  runId: z.string(),
  script: z.string(),
  /** Short name for lists: the demo name or the file's base name. */
  label: z.string(),
  status: LocalRunStatusSchema,
  pid: z.number().int().nullable(),
  /** The mission the runner created for this run (the agent adopts it), for the trace link. */
  missionId: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** Lines captured so far (stdout + stderr), including those the ring buffer has dropped. */
  outputLines: z.number().int().nonnegative(),
  /** Why it failed to start or ended abnormally, as a sentence. */
  error: z.string().nullable()
})
export type LocalRunView = z.infer<typeof LocalRunViewSchema>

export const RunStreamSchema = z.enum(['stdout', 'stderr'])
export type RunStream = z.infer<typeof RunStreamSchema>

/** One captured output line (child output is text; never rendered as HTML). */
export const RunOutputLineSchema = z.object({
  seq: z.number().int().nonnegative(),
  stream: RunStreamSchema,
  text: z.string(),
  at: z.string()
})
export type RunOutputLine = z.infer<typeof RunOutputLineSchema>

/** A bundled demo, for the "Run a local agent" picker. */
export const DemoInfoSchema = z.object({
  script: DemoScriptSchema,
  title: z.string(),
  description: z.string()
})
export type DemoInfo = z.infer<typeof DemoInfoSchema>

/** Most runs kept in the list (finished runs beyond this are forgotten, oldest first). */
export const LOCAL_RUNS_KEPT = 50
/** Most output lines kept per run (ring buffer). */
export const RUN_OUTPUT_LINES_KEPT = 2000

const RunIdInput = z.string().min(1).max(100)

export const runsMethods = {
  listCircuits: defineMethod({
    description:
      'Circuit breakers, reflex triggers and held reflex jobs (suspended or throttled, suspended first) of the active environment.',
    input: z.object({}),
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
    description: 'Suspends a job through the reflex system (its next attempts are refused with NR-E006 until resumed or the cooldown ends).',
    input: z.object({ jobId: JobIdInput, reason: z.string().max(500).optional() }),
    output: ReflexJobViewSchema,
    write: true
  }),
  resumeJob: defineMethod({
    description:
      'Resumes a suspended or throttled job. Refused while its cooldown runs unless `force` (the operator overrides the reflex).',
    input: z.object({ jobId: JobIdInput, force: z.boolean().default(false), reason: z.string().max(500).optional() }),
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
    input: z.object({}),
    output: z.object({
      ...AvailabilityShape,
      manifests: z.array(ManifestViewSchema),
      /** Disagreements the backend has recorded in all (0 when it keeps none). */
      disagreementCount: z.number().int().nonnegative(),
      /** The newest disagreements, at most SHADOW_DISAGREEMENTS_SHOWN. */
      disagreements: z.array(ShadowDisagreementViewSchema)
    })
  }),
  listLocalRuns: defineMethod({
    description: 'Local agent runs of this console (running first, then newest) and the bundled demos.',
    input: z.object({}),
    output: z.object({
      runs: z.array(LocalRunViewSchema),
      demos: z.array(DemoInfoSchema),
      /** False when this launch has no embedded engine to run agents against. */
      engineAvailable: z.boolean()
    })
  }),
  startLocalRun: defineMethod({
    description:
      'Starts a demo agent or a script as a child process wired to the embedded engine with its own token.',
    input: z.object({ script: LocalRunScriptSchema }),
    output: LocalRunViewSchema,
    // It runs code that writes to a backend: refused on a read-only environment like any write.
    write: true
  }),
  stopLocalRun: defineMethod({
    description: 'Stops a local run: SIGTERM, then SIGKILL after 3 s. Finished runs are not an error.',
    input: z.object({ runId: RunIdInput }),
    output: LocalRunViewSchema
  }),
  getRunOutput: defineMethod({
    description:
      'The output lines a run has kept (ring buffer, oldest first); lines after `afterSeq` only when given.',
    input: z.object({ runId: RunIdInput, afterSeq: z.number().int().min(-1).optional() }),
    output: z.object({
      lines: z.array(RunOutputLineSchema),
      /** Lines the ring buffer dropped before the first one returned. */
      dropped: z.number().int().nonnegative()
    })
  })
} satisfies Record<string, MethodDefinition>

export const runsEvents = {
  onRunOutput: defineEvent({
    description:
      'New output of a local run, batched: `text` holds one or more lines joined by "\\n" (no trailing newline), all from one stream.',
    payload: z.object({
      runId: z.string(),
      stream: RunStreamSchema,
      text: z.string(),
      /** seq of the first and last line in this batch (matches getRunOutput). */
      firstSeq: z.number().int().nonnegative(),
      lastSeq: z.number().int().nonnegative()
    })
  }),
  onRunsChanged: defineEvent({
    description: 'The list of local runs changed (started, status, mission, exit).',
    payload: z.object({ runs: z.array(LocalRunViewSchema) })
  })
} satisfies Record<string, EventDefinition>

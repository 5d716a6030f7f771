import { z } from 'zod'
import { defineEvent, defineMethod, type EventDefinition, type MethodDefinition } from '../define'

/**
 * runs domain of ConsoleApi: local agent runs (child processes wired to the embedded engine).
 * The governance views they are watched through live in the governance domain.
 */

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
    .superRefine((p, ctx) => {
      const problem = scriptProblem(p)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    })
])

/** The one thing wrong with a script path (the first), so a mistyped demo reads as one. */
function scriptProblem(p: string): string | null {
  const demos = DEMO_SCRIPTS.join(', ')
  if (p.startsWith('demo:')) return `there is no demo called ${p.slice(0, 64)}: use one of ${demos}`
  if (!(p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)))
    return `script must be an absolute path or one of ${demos}`
  if (!/\.(js|mjs|ts)$/.test(p)) return 'script must end in .js, .mjs or .ts'
  if (p.includes('\0')) return 'script must not contain NUL'
  return null
}
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
  listLocalRuns: defineMethod({
    description:
      'Local agent runs of this console (running first, then newest) and the bundled demos.',
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
    description:
      'Stops a local run: SIGTERM, then SIGKILL after 3 s. Finished runs are not an error.',
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

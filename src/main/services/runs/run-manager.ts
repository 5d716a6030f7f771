import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  LOCAL_RUNS_KEPT,
  RUN_OUTPUT_LINES_KEPT,
  type LocalRunView,
  type RunOutputLine,
  type RunStream
} from '../../../shared/console/domains/runs'
import { fail } from '../session/failures'
import { OutputBuffer } from './output-buffer'
import { createRunMission, finalizeRunMission } from './run-mission'
import { resolveScript } from './scripts'
import type { Role } from '../../../shared/neurorail/rbac'

/** The engine local runs report to, and how to give each run its own token. */
export interface RunEngine {
  readonly url: string
  readonly adminToken: string
  /** Registers a token on the engine (in-process only). Without it runs share the admin token. */
  addToken?(token: string, role: Role, name?: string): void
  /** Revokes a token given by `addToken`; a run's token is revoked once its process has exited. */
  removeToken?(token: string): void
}

/** One batch of output, as onRunOutput carries it. */
export interface RunOutputBatch {
  runId: string
  stream: RunStream
  text: string
  firstSeq: number
  lastSeq: number
}

/** Options of {@link RunManager}. */
export interface RunManagerOptions {
  /** The engine to run against now (null: none, runs are refused). Asked at each start. */
  engine(): RunEngine | null
  onOutput(batch: RunOutputBatch): void
  onChanged(runs: LocalRunView[]): void
  /** SIGTERM → SIGKILL delay (ms). Default 3000. */
  stopGraceMs?: number
  /** Output lines kept per run. Default RUN_OUTPUT_LINES_KEPT. */
  outputLines?: number
  /** Most runs at once. Default 16. */
  maxConcurrent?: number
  /** How long output gathers before one onRunOutput push (ms). Default 50. */
  flushMs?: number
  /** Extra environment for every child (tests lower the demos' pacing through it). */
  env?: Record<string, string>
}

/** Pending lines that force a push before the flush delay (at most ~16 × 4 KB of text). */
const FLUSH_LINES = 16

interface Run {
  view: LocalRunView
  child: ChildProcess | null
  output: OutputBuffer
  pending: RunOutputLine[]
  flushTimer: NodeJS.Timeout | null
  killTimer: NodeJS.Timeout | null
  stopRequested: boolean
  target: { url: string; token: string }
  exited: Promise<void>
}

/**
 * Local agent runs: each is a node child process wired to the embedded engine through
 * CONTROLDECK_URL / CONTROLDECK_TOKEN (its own operator token) / CONTROLDECK_MISSION_ID (a
 * mission created for it). Output is captured line by line into a bounded ring buffer and pushed
 * in batches; stop is SIGTERM, then SIGKILL after 3 s. Several runs may go at once.
 */
export class RunManager {
  private readonly runs = new Map<string, Run>()
  private readonly stopGraceMs: number
  private readonly outputLines: number
  private readonly maxConcurrent: number
  private readonly flushMs: number
  private disposed = false

  constructor(private readonly options: RunManagerOptions) {
    this.stopGraceMs = options.stopGraceMs ?? 3000
    this.outputLines = options.outputLines ?? RUN_OUTPUT_LINES_KEPT
    this.maxConcurrent = options.maxConcurrent ?? 16
    this.flushMs = options.flushMs ?? 50
  }

  /** Runs, running ones first, then newest first. */
  list(): LocalRunView[] {
    const views = [...this.runs.values()].map((run) => ({
      ...run.view,
      outputLines: run.output.total
    }))
    const live = (v: LocalRunView): number =>
      v.status === 'exited' || v.status === 'failed' ? 1 : 0
    return views.sort((a, b) => live(a) - live(b) || b.startedAt.localeCompare(a.startedAt))
  }

  /** One run's view; not_found when unknown. */
  get(runId: string): LocalRunView {
    const run = this.find(runId)
    return { ...run.view, outputLines: run.output.total }
  }

  /** Kept output lines of a run. */
  output(runId: string, afterSeq?: number): { lines: RunOutputLine[]; dropped: number } {
    const run = this.find(runId)
    return { lines: run.output.read(afterSeq), dropped: run.output.dropped }
  }

  /** Resolves when the run's process has exited and its mission is closed. */
  async waitForExit(runId: string): Promise<LocalRunView> {
    await this.find(runId).exited
    return this.get(runId)
  }

  /**
   * Starts a script (validated: a demo name or an absolute path to an existing .js/.mjs/.ts
   * file). Resolves once the child is spawned, with its mission id.
   */
  async start(scriptInput: unknown): Promise<LocalRunView> {
    if (this.disposed) throw fail('unavailable', 'The console is shutting down.')
    const engine = this.options.engine()
    if (!engine) {
      throw fail(
        'no_engine',
        'No embedded engine is running, so local agents have nothing to report to.'
      )
    }
    const active = [...this.runs.values()].filter(
      (r) => r.view.status === 'starting' || r.view.status === 'running'
    )
    if (active.length >= this.maxConcurrent) {
      throw fail(
        'too_many_runs',
        `At most ${this.maxConcurrent} local runs may go at once; stop one first.`
      )
    }
    const command = await resolveScript(scriptInput)
    const runId = `run_${randomBytes(6).toString('hex')}`
    const token = issueToken(engine, runId)
    const target = { url: engine.url, token }

    let resolveExited!: () => void
    const run: Run = {
      view: {
        runId,
        script: command.script,
        label: command.label,
        status: 'starting',
        pid: null,
        missionId: null,
        startedAt: new Date().toISOString(),
        endedAt: null,
        exitCode: null,
        signal: null,
        outputLines: 0,
        error: null
      },
      child: null,
      output: new OutputBuffer(this.outputLines),
      pending: [],
      flushTimer: null,
      killTimer: null,
      stopRequested: false,
      target,
      // Every way a run ends goes through resolveExited, after its mission is finalized with the
      // token: only then is the token revoked (the admin token, shared when none was issued, never).
      exited: new Promise<void>((resolve) => {
        resolveExited = () => {
          if (token !== engine.adminToken) engine.removeToken?.(token)
          resolve()
        }
      })
    }
    this.runs.set(runId, run)
    this.forgetOld()
    this.changed()

    try {
      run.view.missionId = await createRunMission(target, {
        source: 'controldeck-run',
        run_id: runId,
        script: command.label
      })
    } catch (err) {
      this.fail(run, `Could not create the run's mission on the engine: ${(err as Error).message}`)
      resolveExited()
      return this.get(runId)
    }
    if (run.stopRequested) {
      await finalizeRunMission(target, run.view.missionId, {
        code: null,
        signal: null,
        stopped: true
      })
      this.fail(run, 'Stopped before it started.')
      resolveExited()
      return this.get(runId)
    }

    const child = spawn(process.execPath, command.args, {
      cwd: command.cwd,
      env: {
        ...process.env,
        ...this.options.env,
        CONTROLDECK_URL: engine.url,
        CONTROLDECK_TOKEN: token,
        CONTROLDECK_MISSION_ID: run.view.missionId,
        CONTROLDECK_RUN_ID: runId,
        // Children must not inherit a debugger or loader meant for the console itself.
        NODE_OPTIONS: ''
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true
    })
    run.child = child
    run.view.pid = child.pid ?? null
    child.stdout?.setEncoding('utf8')
    child.stderr?.setEncoding('utf8')
    child.stdout?.on('data', (chunk: string) => this.capture(run, 'stdout', chunk))
    child.stderr?.on('data', (chunk: string) => this.capture(run, 'stderr', chunk))

    child.once('spawn', () => {
      if (run.view.status === 'starting') run.view.status = 'running'
      this.changed()
    })
    child.once('error', (err) => {
      // spawn failures (ENOENT, EACCES) arrive here instead of 'exit'.
      if (run.view.status === 'starting') {
        this.fail(run, `Could not start node: ${err.message}`)
        void finalizeRunMission(target, run.view.missionId!, {
          code: null,
          signal: null,
          stopped: true
        }).finally(resolveExited)
      }
    })
    child.once('close', (code, signal) => {
      void this.onExit(run, code, signal).finally(resolveExited)
    })
    return this.get(runId)
  }

  /** SIGTERM now, SIGKILL after the grace period. Finished runs are returned as they are. */
  async stop(runId: string): Promise<LocalRunView> {
    const run = this.find(runId)
    run.stopRequested = true
    const child = run.child
    if (
      child &&
      child.exitCode === null &&
      child.signalCode === null &&
      run.view.status !== 'exited'
    ) {
      run.view.status = 'stopping'
      child.kill('SIGTERM')
      run.killTimer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      }, this.stopGraceMs)
      run.killTimer.unref()
      this.changed()
    }
    return this.get(runId)
  }

  /** Stops every run and waits for them and their missions to close (the console quits). */
  async dispose(): Promise<void> {
    this.disposed = true
    const live = [...this.runs.values()].filter(
      (r) =>
        r.view.status === 'starting' || r.view.status === 'running' || r.view.status === 'stopping'
    )
    await Promise.all(live.map((r) => this.stop(r.view.runId)))
    // Every run, also one that has just exited: its mission may still be closing on the engine.
    await Promise.all([...this.runs.values()].map((r) => r.exited))
  }

  private async onExit(
    run: Run,
    code: number | null,
    signal: NodeJS.Signals | null
  ): Promise<void> {
    if (run.killTimer) clearTimeout(run.killTimer)
    for (const line of run.output.end()) run.pending.push(line)
    run.view.exitCode = code
    run.view.signal = signal
    run.view.endedAt = new Date().toISOString()
    run.view.status = 'exited'
    if (!run.stopRequested && code !== 0) {
      run.view.error = signal
        ? `The agent was killed by ${signal}.`
        : `The agent exited with code ${code}.`
    }
    run.pending.push(
      run.output.note('stderr', `[controldeck] ${describeExit(code, signal, run.stopRequested)}`)
    )
    this.flush(run)
    this.changed()
    if (run.view.missionId) {
      await finalizeRunMission(run.target, run.view.missionId, {
        code,
        signal,
        stopped: run.stopRequested
      })
    }
  }

  private capture(run: Run, stream: RunStream, chunk: string): void {
    const lines = run.output.write(stream, chunk)
    if (lines.length === 0) return
    run.pending.push(...lines)
    // A flood flushes early so that one push stays small (the transports cap a push at 64 KB).
    if (run.pending.length >= FLUSH_LINES) this.flush(run)
    else if (!run.flushTimer) run.flushTimer = setTimeout(() => this.flush(run), this.flushMs)
  }

  /** Pushes pending lines as one batch per consecutive same-stream stretch. */
  private flush(run: Run): void {
    if (run.flushTimer) clearTimeout(run.flushTimer)
    run.flushTimer = null
    const lines = run.pending
    run.pending = []
    let from = 0
    lines.forEach((line, i) => {
      if (lines[i + 1]?.stream === line.stream) return
      // The stretch ends here: lines[from..i], all on line's stream.
      const stretch = lines.slice(from, i + 1)
      from = i + 1
      this.options.onOutput({
        runId: run.view.runId,
        stream: line.stream,
        text: stretch.map((l) => l.text).join('\n'),
        firstSeq: (stretch[0] ?? line).seq,
        lastSeq: line.seq
      })
    })
  }

  private fail(run: Run, message: string): void {
    run.view.status = 'failed'
    run.view.error = message
    run.view.endedAt = new Date().toISOString()
    run.pending.push(run.output.note('stderr', `[controldeck] ${message}`))
    this.flush(run)
    this.changed()
  }

  /** Forgets the oldest finished runs beyond LOCAL_RUNS_KEPT. */
  private forgetOld(): void {
    if (this.runs.size <= LOCAL_RUNS_KEPT) return
    const finished = [...this.runs.values()]
      .filter((r) => r.view.status === 'exited' || r.view.status === 'failed')
      .sort((a, b) => a.view.startedAt.localeCompare(b.view.startedAt))
    for (const run of finished.slice(0, this.runs.size - LOCAL_RUNS_KEPT))
      this.runs.delete(run.view.runId)
  }

  private changed(): void {
    this.options.onChanged(this.list())
  }

  private find(runId: string): Run {
    const run = this.runs.get(runId)
    if (!run) throw fail('not_found', `There is no local run ${runId}.`, 404)
    return run
  }
}

/** A fresh operator token for one run, registered on the engine; the admin token when it cannot be. */
function issueToken(engine: RunEngine, runId: string): string {
  if (!engine.addToken) return engine.adminToken
  const token = `cdrun_${randomBytes(24).toString('base64url')}`
  engine.addToken(token, 'operator', `local run ${runId}`)
  return token
}

function describeExit(code: number | null, signal: string | null, stopped: boolean): string {
  const how = signal ? `killed by ${signal}` : `exited with code ${code}`
  return stopped ? `stopped (${how})` : how
}

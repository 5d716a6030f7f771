import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startEngine, type EngineOptions, type RunningEngine } from '../index'
import type { EngineServices } from '../services'

/** A response as tests look at it. */
export interface ApiResponse {
  status: number
  headers: Headers
  /** Parsed JSON when the body is JSON, else the text. */
  body: any // eslint-disable-line @typescript-eslint/no-explicit-any -- tests parse it with the shared schemas
  text: string
}

/** A started engine on a temp SQLite file plus a small HTTP client for it. */
export interface TestEngine {
  engine: RunningEngine
  dir: string
  dbPath: string
  /** Calls `baseUrl + path` with the admin token (or `token`; `null` sends none). */
  api(
    method: string,
    path: string,
    body?: unknown,
    options?: { token?: string | null; headers?: Record<string, string>; raw?: string }
  ): Promise<ApiResponse>
  /** Stops the engine and deletes the temp folder. */
  stop(): Promise<void>
}

/**
 * Starts a real engine on 127.0.0.1:0 with a fresh SQLite file in os.tmpdir(). Pass `dir` to
 * reuse an existing folder (restart tests).
 */
export async function startTestEngine(
  options: Partial<EngineOptions> & { dir?: string } = {}
): Promise<TestEngine> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'cd-engine-'))
  const dbPath = path.join(dir, 'engine.db')
  const engine = await startEngine({ dbPath, quiet: true, rateLimit: false, ...options })
  const api: TestEngine['api'] = async (method, p, body, o = {}) => {
    const headers: Record<string, string> = { ...o.headers }
    const token = o.token === undefined ? engine.adminToken : o.token
    if (token !== null) headers.Authorization = `Bearer ${token}`
    let payload: string | undefined = o.raw
    if (body !== undefined) {
      payload = JSON.stringify(body)
    }
    if (payload !== undefined) headers['Content-Type'] = 'application/json'
    const res = await fetch(engine.baseUrl + p, { method, headers, body: payload })
    const text = await res.text()
    let parsed: unknown = text
    if ((res.headers.get('content-type') ?? '').includes('application/json'))
      parsed = JSON.parse(text)
    return { status: res.status, headers: res.headers, body: parsed, text }
  }
  return {
    engine,
    dir,
    dbPath,
    api,
    stop: async () => {
      await engine.close()
      if (!options.dir) rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** Creates mission → plan over HTTP and returns their ids (a plan to put jobs in). */
export async function createPlanIn(t: TestEngine): Promise<{ missionId: string; planId: string }> {
  const m = await t.api('POST', '/identity/mission', { tags: {} })
  const p = await t.api('POST', '/identity/plan', { mission_id: m.body.mission_id })
  return { missionId: m.body.mission_id, planId: p.body.plan_id }
}

/** Creates mission → plan → job (with `metadata`, if given) → attempt and returns their ids. */
export async function createChain(
  t: TestEngine,
  jobType = 'llm_call',
  metadata?: Record<string, unknown>
): Promise<{ missionId: string; planId: string; jobId: string; attemptId: string }> {
  const { missionId, planId } = await createPlanIn(t)
  const j = await t.api('POST', '/identity/job', {
    plan_id: planId,
    job_type: jobType,
    ...(metadata ? { metadata } : {})
  })
  const a = await t.api('POST', '/identity/attempt', { job_id: j.body.job_id, attempt_number: 1 })
  return { missionId, planId, jobId: j.body.job_id, attemptId: a.body.attempt_id }
}

/**
 * Creates mission → plan → job in-process, through the identity service (no HTTP, no
 * transitions): tests on fake timers and benchmarks that seed an engine they hold.
 */
export function createJobDirect(
  s: EngineServices,
  jobType: string,
  options: { tags?: Record<string, string>; metadata?: Record<string, unknown> } = {}
): { missionId: string; planId: string; jobId: string } {
  const m = s.identity.createMission({ parent_mission_id: null, tags: options.tags ?? {} })
  const p = s.identity.createPlan({
    mission_id: m.mission_id,
    plan_type: 'sequential',
    metadata: {}
  })
  const j = s.identity.createJob({
    plan_id: p.plan_id,
    job_type: jobType,
    dependencies: [],
    metadata: options.metadata ?? {}
  })
  return { missionId: m.mission_id, planId: p.plan_id, jobId: j.job_id }
}

// The run manager with real child processes against the real embedded engine (temp SQLite file).
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningEngine } from '../../../engine'
import type { LocalRunView } from '../../../shared/console/domains/runs'
import { isConsoleFailure } from '../../../shared/console/errors'
import { engineFetch, startTempEngine, type TempEngine } from '../testing/temp-engine'
import { waitFor } from '../testing/wait'
import { RunManager, type RunOutputBatch } from './run-manager'

/** Demo pacing for tests: no pauses, millisecond backoff, short timeouts. */
const FAST_DEMOS = {
  CONTROLDECK_DEMO_PACE_MS: '0',
  CONTROLDECK_DEMO_BACKOFF_MS: '1',
  CONTROLDECK_DEMO_BACKOFF_MAX_MS: '5',
  CONTROLDECK_DEMO_TIMEOUT_MS: '100',
  CONTROLDECK_DEMO_CHUNK_MS: '5',
  CONTROLDECK_DEMO_JOBS: '3'
}

let engine: RunningEngine
let tmp: TempEngine
const tokens: Array<{ token: string; role: string }> = []
const revoked: string[] = []
const batches: RunOutputBatch[] = []
let lastRuns: LocalRunView[] = []
let manager: RunManager

/** GET /capabilities with `token`: 200 while the token is valid, 401 once revoked. */
async function statusWith(token: string): Promise<number> {
  const res = await fetch(`${engine.baseUrl}/capabilities`, {
    headers: { Authorization: `Bearer ${token}` }
  })
  await res.arrayBuffer()
  return res.status
}

async function missionState(missionId: string): Promise<string> {
  const res = await engineFetch(engine, 'GET', `/lifecycle/mission/${missionId}/state`)
  return ((await res.json()) as { current_state: string }).current_state
}

/** Writes an agent script of `lines` into the temp folder and returns its path. */
function writeScript(name: string, lines: string[]): string {
  const script = path.join(tmp.dir, name)
  writeFileSync(script, lines.join('\n'))
  return script
}

function outputText(runId: string): string {
  return manager
    .output(runId)
    .lines.map((l) => l.text)
    .join('\n')
}

beforeAll(async () => {
  tmp = await startTempEngine('controldeck-runs-')
  engine = tmp.engine
  manager = new RunManager({
    engine: () => ({
      url: engine.url,
      adminToken: engine.adminToken,
      addToken: (token, role, name) => {
        tokens.push({ token, role })
        engine.addToken(token, role, name)
      },
      removeToken: (token) => {
        revoked.push(token)
        engine.removeToken(token)
      }
    }),
    onOutput: (batch) => batches.push(batch),
    onChanged: (runs) => (lastRuns = runs),
    stopGraceMs: 300,
    flushMs: 10,
    env: FAST_DEMOS
  })
})

afterAll(async () => {
  await manager?.dispose()
  await tmp?.close()
})

describe('RunManager', () => {
  it('runs a script with its own token and mission, captures stdout and stderr line by line', async () => {
    const script = writeScript('echo.mjs', [
      "console.log('url=' + process.env.CONTROLDECK_URL)",
      "console.log('mission=' + process.env.CONTROLDECK_MISSION_ID)",
      "console.error('token-set=' + (process.env.CONTROLDECK_TOKEN?.length > 0))",
      "process.stdout.write('partial line without newline')"
    ])
    const started = await manager.start(script)
    expect(started.label).toBe('echo.mjs')
    expect(started.missionId).toMatch(/^m_/)
    const done = await manager.waitForExit(started.runId)
    expect(done.status).toBe('exited')
    expect(done.exitCode).toBe(0)
    expect(done.error).toBeNull()

    const { lines } = manager.output(started.runId)
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual([
      `url=${engine.url}`,
      `mission=${started.missionId}`,
      'partial line without newline'
    ])
    expect(lines.find((l) => l.stream === 'stderr' && l.text === 'token-set=true')).toBeDefined()
    const firstSeq = lines[0]?.seq ?? 0
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => firstSeq + i))

    // Its own operator token, not the admin one.
    expect(tokens.at(-1)?.role).toBe('operator')
    expect(tokens.at(-1)?.token).not.toBe(engine.adminToken)
    // The runner's mission never got going, so it was cancelled when the script exited.
    expect(await missionState(started.missionId!)).toBe('cancelled')
    // Output reached the event sink in batches that carry seq ranges.
    const runBatches = batches.filter((b) => b.runId === started.runId)
    expect(runBatches.length).toBeGreaterThan(0)
    expect(runBatches.map((b) => b.text).join('\n')).toContain(`mission=${started.missionId}`)
    expect(lastRuns.find((r) => r.runId === started.runId)?.status).toBe('exited')
  })

  it('stops a run with SIGTERM and falls back to SIGKILL when the script ignores it', async () => {
    const script = writeScript('stubborn.mjs', [
      "process.on('SIGTERM', () => console.log('ignoring SIGTERM'))",
      "console.log('ready')",
      'setInterval(() => {}, 1000)'
    ])
    const run = await manager.start(script)
    await waitFor(() => outputText(run.runId).includes('ready'), 'the script to start', 10_000)
    const stopping = await manager.stop(run.runId)
    expect(stopping.status).toBe('stopping')
    const done = await manager.waitForExit(run.runId)
    expect(done.signal).toBe('SIGKILL')
    expect(outputText(run.runId)).toContain('ignoring SIGTERM')
    expect(await missionState(run.missionId!)).toBe('cancelled')
  })

  it('runs the three demos at once, each against its own mission', async () => {
    const runs = await Promise.all(
      ['demo:flaky', 'demo:slow', 'demo:greedy'].map((s) => manager.start(s))
    )
    expect(new Set(runs.map((r) => r.missionId)).size).toBe(3)
    expect(
      manager.list().filter((r) => r.status === 'running' || r.status === 'starting').length
    ).toBeGreaterThanOrEqual(1)
    const done = await Promise.all(runs.map((r) => manager.waitForExit(r.runId)))
    for (const run of done) {
      expect(run.exitCode, `${run.label} output:\n${outputText(run.runId)}`).toBe(0)
      // The demo adopted the runner's mission and announced it first.
      expect(manager.output(run.runId).lines[0]?.text).toBe(`mission ${run.missionId}`)
      // Each demo ends its mission as failed (that is what they demonstrate).
      expect(await missionState(run.missionId!)).toBe('failed')
    }
    const [flaky, slow, greedy] = done
    if (!flaky || !slow || !greedy) throw new Error(`expected three runs, got ${done.length}`)
    expect(outputText(flaky.runId)).toMatch(/job 1 failed: RetryExhaustedError/)
    expect(outputText(flaky.runId)).toMatch(/failed: CircuitOpenError: NR-E140/)
    expect(outputText(flaky.runId)).toContain('circuit tool:weather-api is open')
    expect(outputText(slow.runId)).toContain('3 of 3 jobs hit their 100 ms timeout')
    expect(outputText(greedy.runId)).toMatch(/job 2 stopped: BudgetExceededError: NR-E10[34]/)
  })

  it('stops a demo mid-run: the SDK cancels its open job and the mission ends cancelled', async () => {
    const slowManager = new RunManager({
      engine: () => ({ url: engine.url, adminToken: engine.adminToken }),
      onOutput: () => undefined,
      onChanged: () => undefined,
      stopGraceMs: 3000,
      flushMs: 10,
      env: { ...FAST_DEMOS, CONTROLDECK_DEMO_TIMEOUT_MS: '20000' }
    })
    try {
      const run = await slowManager.start('demo:slow')
      const text = (): string =>
        slowManager
          .output(run.runId)
          .lines.map((l) => l.text)
          .join('\n')
      await waitFor(() => text().includes('mission '), 'the demo to start', 15_000)
      // Stop it once its first job runs an attempt (a 20 s one, so it is mid-flight).
      const jobsOfRun = async (): Promise<Array<{ current_state: string }>> => {
        const res = await engineFetch(
          engine,
          'GET',
          `/identity/jobs?mission_id=${run.missionId}&limit=10`
        )
        return ((await res.json()) as { items: Array<{ current_state: string }> }).items
      }
      for (
        let i = 0;
        i < 300 && !(await jobsOfRun()).some((j) => j.current_state === 'running');
        i++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect((await jobsOfRun()).map((j) => j.current_state)).toEqual(['running'])
      await slowManager.stop(run.runId)
      const done = await slowManager.waitForExit(run.runId)
      expect(done.signal === null ? done.exitCode : done.signal).toBe(143)
      expect(await missionState(run.missionId!)).toBe('cancelled')
      expect((await jobsOfRun()).map((j) => j.current_state)).toEqual(['cancelled'])
    } finally {
      await slowManager.dispose()
    }
  })

  it("lets a script anywhere on disk import 'controldeck/agent' and run a governed job", async () => {
    const script = writeScript('my-agent.mjs', [
      "import { connect } from 'controldeck/agent'",
      'const agent = await connect()',
      'const mission = await agent.mission()',
      'const plan = await mission.plan()',
      "const answer = await plan.job('my_step', { timeout_ms: 5000 }, () => 42)",
      "console.log('answer ' + answer + ' in ' + mission.id)",
      'await mission.complete()',
      'await agent.close()'
    ])
    const run = await manager.start(script)
    const done = await manager.waitForExit(run.runId)
    expect(done.exitCode, outputText(run.runId)).toBe(0)
    expect(outputText(run.runId)).toContain(`answer 42 in ${run.missionId}`)
    expect(await missionState(run.missionId!)).toBe('completed')
  })

  it('refuses bad scripts before spawning anything', async () => {
    for (const bad of [
      'relative/path.js',
      '/etc/passwd',
      path.join(tmp.dir, 'missing.mjs'),
      'demo:nope'
    ]) {
      const error = await manager.start(bad).catch((err: unknown) => err)
      expect(isConsoleFailure(error), String(bad)).toBe(true)
    }
    const error = await manager.stop('run_unknown').catch((err: unknown) => err)
    expect(isConsoleFailure(error) && error.error.code).toBe('not_found')
  })
})

// A local run's own token is revoked on the engine once its process has exited.
describe('RunManager tokens', () => {
  it('revokes the run token after the process exits (and after its mission was finalized)', async () => {
    // The script proves the token works while it runs: it calls the engine with it.
    const script = writeScript('token-echo.mjs', [
      "const res = await fetch(process.env.CONTROLDECK_URL + '/api/neurorail/v1/capabilities', {",
      "  headers: { Authorization: 'Bearer ' + process.env.CONTROLDECK_TOKEN }",
      '})',
      "console.log('status ' + res.status)"
    ])
    const run = await manager.start(script)
    const token = tokens.at(-1)!.token
    expect(token).not.toBe(engine.adminToken)
    const done = await manager.waitForExit(run.runId)
    expect(done.exitCode).toBe(0)
    expect(manager.output(run.runId).lines.map((l) => l.text)).toContain('status 200')
    expect(revoked).toContain(token)
    expect(await statusWith(token)).toBe(401)
    // The mission was still closed with that token before it was revoked.
    expect(await missionState(run.missionId!)).toBe('cancelled')
    expect(await statusWith(engine.adminToken)).toBe(200)
  })

  it('never revokes the admin token that runs share when the engine cannot issue tokens', async () => {
    const removed: string[] = []
    const shared = new RunManager({
      engine: () => ({
        url: engine.url,
        adminToken: engine.adminToken,
        removeToken: (t) => removed.push(t)
      }),
      onOutput: () => undefined,
      onChanged: () => undefined,
      flushMs: 10
    })
    try {
      const script = writeScript('noop.mjs', ["console.log('ok')"])
      const run = await shared.start(script)
      await shared.waitForExit(run.runId)
      expect(removed).toEqual([])
      expect(await statusWith(engine.adminToken)).toBe(200)
    } finally {
      await shared.dispose()
    }
  })
})

// npm run bench:agents — what governing a job costs: the SDK and the embedded engine together,
// over real HTTP on 127.0.0.1 with a temp SQLite file. Prints figures; asserts nothing.
//   overhead per governed job: sequential jobs whose function does nothing (ms per job)
//   throughput: 100 jobs in flight at once (jobs/s)
// Targets (issue 7): < 2 ms overhead per job, ≥ 1,000 jobs/s.
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { connect } from '../src/agent'
import { HttpClient } from '../src/agent/http'
import { startEngine } from '../src/engine'

const SEQUENTIAL_JOBS = Number(process.env.BENCH_SEQUENTIAL_JOBS ?? 1000)
const CONCURRENT_JOBS = Number(process.env.BENCH_CONCURRENT_JOBS ?? 5000)
const CONCURRENCY = 100

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

const dir = mkdtempSync(path.join(tmpdir(), 'controldeck-bench-agents-'))
const engine = await startEngine({
  dbPath: path.join(dir, 'engine.db'),
  port: 0,
  quiet: true,
  rateLimit: false
})
const agent = await connect({
  url: engine.url,
  token: engine.adminToken,
  handleSignals: false,
  maxSockets: CONCURRENCY
})
try {
  const mission = await agent.mission({ tags: { bench: 'agents' } })
  const plan = await mission.plan('parallel')
  const noop = (): number => 1

  // Warm up the JIT, the sockets and SQLite's page cache.
  for (let i = 0; i < 200; i++) await plan.job('bench', {}, noop)

  // CPU time of this process (SDK and engine share it) next to wall time: the machine may be busy
  // with other work, and CPU per job is the figure that compares across runs.
  const [load0 = NaN] = loadavg()
  const latencies: number[] = []
  const seqCpu = process.cpuUsage()
  const seqCommits = engine.services.store.currentBatch
  const seqStart = performance.now()
  for (let i = 0; i < SEQUENTIAL_JOBS; i++) {
    const t0 = performance.now()
    await plan.job('bench', { timeout_ms: 10_000 }, noop)
    latencies.push(performance.now() - t0)
  }
  const seqMs = performance.now() - seqStart
  const seqCpuMs = cpuMs(process.cpuUsage(seqCpu))
  const seqCommitsPerJob = (engine.services.store.currentBatch - seqCommits) / SEQUENTIAL_JOBS
  latencies.sort((a, b) => a - b)
  const mean = seqMs / SEQUENTIAL_JOBS

  let next = 0
  const concCpu = process.cpuUsage()
  const concCommits = engine.services.store.currentBatch
  const concStart = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CONCURRENT_JOBS) {
        next += 1
        await plan.job('bench', { timeout_ms: 10_000 }, noop)
      }
    })
  )
  const concSeconds = (performance.now() - concStart) / 1000
  const concCpuMs = cpuMs(process.cpuUsage(concCpu))
  const concCommitsPerJob = (engine.services.store.currentBatch - concCommits) / CONCURRENT_JOBS
  const [load1 = NaN] = loadavg()
  const jobsPerSecond = CONCURRENT_JOBS / concSeconds
  await mission.complete()

  // Where the time goes: the same calls one job makes, timed one by one (client-side round trips).
  const http = new HttpClient({ url: engine.url, token: engine.adminToken })
  const steps = new Map<string, number[]>()
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now()
    const value = await fn()
    const list = steps.get(name) ?? []
    list.push(performance.now() - t0)
    steps.set(name, list)
    return value
  }
  const breakdownMission = await agent.mission({ tags: { bench: 'breakdown' } })
  const breakdownPlan = await breakdownMission.plan()
  const move = (type: string, id: string, transition: string) =>
    timed(`transition ${type} ${transition}`, () =>
      http.post(`/lifecycle/${type}/${id}/transition`, { entity_id: id, transition, metadata: {} })
    )
  for (let i = 0; i < 300; i++) {
    const job = await timed('POST /identity/job', () =>
      http.post<{ job_id: string }>('/identity/job', {
        plan_id: breakdownPlan.id,
        job_type: 'bench_breakdown',
        metadata: { budget: { timeout_ms: 10_000 } }
      })
    )
    const attempt = await timed('POST /identity/attempt', () =>
      http.post<{ attempt_id: string }>('/identity/attempt', {
        job_id: job.job_id,
        attempt_number: 1,
        metadata: {}
      })
    )
    await move('job', job.job_id, 'create')
    await move('job', job.job_id, 'dependencies_met')
    await move('job', job.job_id, 'start')
    await move('attempt', attempt.attempt_id, 'create')
    await move('attempt', attempt.attempt_id, 'start')
    await move('attempt', attempt.attempt_id, 'complete')
    await move('job', job.job_id, 'complete')
    await timed('GET /capabilities (no work: HTTP floor)', () => http.get('/capabilities'))
  }
  // The same job as the SDK makes it on this engine: 2 round trips (create_transitions,
  // create_job_attempt, lifecycle_batch).
  const batched =
    agent.features.includes('create_job_attempt') && agent.features.includes('lifecycle_batch')
  for (let i = 0; batched && i < 300; i++) {
    const job = await timed('POST /identity/job + 3 moves + attempt + 2', () =>
      http.post<{ job_id: string; attempt: { attempt_id: string } }>('/identity/job', {
        plan_id: breakdownPlan.id,
        job_type: 'bench_breakdown',
        metadata: { budget: { timeout_ms: 10_000 } },
        transitions: [
          { transition: 'create' },
          { transition: 'dependencies_met' },
          { transition: 'start' }
        ],
        attempt: { transitions: [{ transition: 'create' }, { transition: 'start' }] }
      })
    )
    const attempt = job.attempt
    await timed('POST /lifecycle/batch (attempt + job complete)', () =>
      http.post('/lifecycle/batch', {
        transitions: [
          { entity_type: 'attempt', entity_id: attempt.attempt_id, transition: 'complete' },
          { entity_type: 'job', entity_id: job.job_id, transition: 'complete' }
        ]
      })
    )
  }
  http.close()

  /** One figure with no target, aligned with the rows that have one. */
  const figure = (name: string, value: string): string => `${name.padEnd(38)} ${value.padStart(12)}`
  const row = (name: string, value: string, target: string, ok: boolean): string =>
    `${figure(name, value)}   target ${target.padEnd(10)} ${ok ? 'met' : 'NOT MET'}`
  console.log(
    `agents bench — SDK + embedded engine over HTTP, node ${process.version}, ${process.platform}`
  )
  console.log(
    'each governed job: create job, create attempt, 7 lifecycle transitions (job pending→ready→running→succeeded, attempt created→running→succeeded)'
  )
  const f = new Set(agent.features)
  const trips =
    f.has('create_transitions') && f.has('lifecycle_batch')
      ? f.has('create_job_attempt')
        ? 2
        : 3
      : 9
  console.log(
    `SDK round trips per job: ${trips}${trips < 9 ? ' (create_transitions, create_job_attempt, lifecycle_batch)' : ''}`
  )
  console.log(
    `load average (1 min) ${load0.toFixed(2)} → ${load1.toFixed(2)} on ${availableParallelism()} cores; CPU time below is this process (SDK + engine)`
  )
  console.log(
    row(
      `overhead per job, mean (${SEQUENTIAL_JOBS} sequential)`,
      `${mean.toFixed(3)} ms`,
      '< 2 ms',
      mean < 2
    )
  )
  console.log(figure('overhead per job, p50', `${percentile(latencies, 50).toFixed(3)} ms`))
  console.log(figure('overhead per job, p95', `${percentile(latencies, 95).toFixed(3)} ms`))
  console.log(figure('overhead per job, p99', `${percentile(latencies, 99).toFixed(3)} ms`))
  console.log(figure('CPU per job, sequential', `${(seqCpuMs / SEQUENTIAL_JOBS).toFixed(3)} ms`))
  console.log(figure('SQLite commits per job, sequential', seqCommitsPerJob.toFixed(2)))
  console.log(
    row(
      `throughput (${CONCURRENT_JOBS} jobs, ${CONCURRENCY} in flight)`,
      `${jobsPerSecond.toFixed(0)} jobs/s`,
      '≥ 1000/s',
      jobsPerSecond >= 1000
    )
  )
  console.log(figure('CPU per job, concurrent', `${(concCpuMs / CONCURRENT_JOBS).toFixed(3)} ms`))
  console.log(figure('SQLite commits per job, concurrent', concCommitsPerJob.toFixed(2)))
  console.log('round trips, mean (300 jobs timed call by call):')
  for (const [name, list] of steps) {
    console.log(
      `  ${name.padEnd(44)} ${(list.reduce((a, b) => a + b, 0) / list.length).toFixed(3).padStart(8)} ms`
    )
  }
} finally {
  await agent.close()
  await engine.close()
  rmSync(dir, { recursive: true, force: true })
}

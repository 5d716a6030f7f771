// npm run bench:agents — what governing a job costs: the SDK and the embedded engine together,
// over real HTTP on 127.0.0.1 with a temp SQLite file. Prints figures; asserts nothing.
//   overhead per governed job: sequential jobs whose function does nothing (ms per job)
//   throughput: 100 jobs in flight at once (jobs/s)
// Targets (issue 7): < 2 ms overhead per job, ≥ 1,000 jobs/s.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { connect } from '../src/agent'
import { startEngine } from '../src/engine'

const SEQUENTIAL_JOBS = Number(process.env.BENCH_SEQUENTIAL_JOBS ?? 1000)
const CONCURRENT_JOBS = Number(process.env.BENCH_CONCURRENT_JOBS ?? 5000)
const CONCURRENCY = 100

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

const dir = mkdtempSync(path.join(tmpdir(), 'controldeck-bench-agents-'))
const engine = await startEngine({ dbPath: path.join(dir, 'engine.db'), port: 0, quiet: true, rateLimit: false })
const agent = await connect({ url: engine.url, token: engine.adminToken, handleSignals: false, maxSockets: CONCURRENCY })
try {
  const mission = await agent.mission({ tags: { bench: 'agents' } })
  const plan = await mission.plan('parallel')
  const noop = (): number => 1

  // Warm up the JIT, the sockets and SQLite's page cache.
  for (let i = 0; i < 200; i++) await plan.job('bench', {}, noop)

  const latencies: number[] = []
  const seqStart = performance.now()
  for (let i = 0; i < SEQUENTIAL_JOBS; i++) {
    const t0 = performance.now()
    await plan.job('bench', { timeout_ms: 10_000 }, noop)
    latencies.push(performance.now() - t0)
  }
  const seqMs = performance.now() - seqStart
  latencies.sort((a, b) => a - b)
  const mean = seqMs / SEQUENTIAL_JOBS

  let next = 0
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
  const jobsPerSecond = CONCURRENT_JOBS / concSeconds
  await mission.complete()

  const row = (name: string, value: string, target: string, ok: boolean): string =>
    `${name.padEnd(38)} ${value.padStart(12)}   target ${target.padEnd(10)} ${ok ? 'met' : 'NOT MET'}`
  console.log(`agents bench — SDK + embedded engine over HTTP, node ${process.version}, ${process.platform}`)
  console.log('each governed job: create job, create attempt, 7 lifecycle transitions (job pending→ready→running→succeeded, attempt created→running→succeeded)')
  console.log(row(`overhead per job, mean (${SEQUENTIAL_JOBS} sequential)`, `${mean.toFixed(3)} ms`, '< 2 ms', mean < 2))
  console.log(row('overhead per job, p50', `${percentile(latencies, 50).toFixed(3)} ms`, '', true).replace(/target.*$/, ''))
  console.log(row('overhead per job, p95', `${percentile(latencies, 95).toFixed(3)} ms`, '', true).replace(/target.*$/, ''))
  console.log(row('overhead per job, p99', `${percentile(latencies, 99).toFixed(3)} ms`, '', true).replace(/target.*$/, ''))
  console.log(row(`throughput (${CONCURRENT_JOBS} jobs, ${CONCURRENCY} in flight)`, `${jobsPerSecond.toFixed(0)} jobs/s`, '≥ 1000/s', jobsPerSecond >= 1000))
} finally {
  await agent.close()
  await engine.close()
  rmSync(dir, { recursive: true, force: true })
}

// Engine benchmark: `npm run bench:engine` (optionally `-- --seconds 8 --events 1000000`).
// The engine runs with its shipped defaults (rate limits, stream admission, Host check) and the
// load comes with the admin token, as the operator's own load test would; `-- --role operator`
// sends it with an operator token instead (what an agent gets: 2,000 requests/s, then 429).
// Prints lifecycle transitions/s over HTTP with 16 concurrent clients, p50/p99 request latency,
// SSE events/s delivered to 20 subscribers, and the engine's RSS. The engine runs in a child
// process (this same file with --child) so that the load generator does not share its thread, and
// from an esbuild bundle as `controldeck-engine` ships, not through tsx (whose loader would add
// ~40 MB of RSS and compile time that production never pays).
import { fork, type ChildProcess } from 'node:child_process'
// @ts-expect-error -- plain ESM module shared with the launcher; it has no type declarations
import { ENGINE_ENV, ENGINE_NODE_FLAGS } from '../bin/engine-runtime.mjs'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { getHeapSpaceStatistics } from 'node:v8'
import { startEngine } from '../src/engine'

type ChildMessage =
  | { type: 'ready'; baseUrl: string; token: string }
  | { type: 'published'; count: number; ms: number }
  | {
      type: 'rss'
      rssMb: number
      heapMb: number
      heapTotalMb: number
      externalMb: number
      cpuMs: number
      commits: number
      demoted: number
      spaces: string
    }

type ParentMessage =
  { type: 'publish'; total: number; batch: number } | { type: 'rss' } | { type: 'stop' }

const { values: args } = parseArgs({
  options: {
    child: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '8' },
    clients: { type: 'string', default: '16' },
    subscribers: { type: 'string', default: '20' },
    events: { type: 'string', default: '1000000' },
    role: { type: 'string', default: 'admin' }
  }
})

if (args.child) await runChild()
else await runParent()

/** The engine side: a real engine on a temp SQLite file, driven over IPC for the SSE phase. */
async function runChild(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cd-engine-bench-'))
  const checkpointIntervalMs = process.env.BENCH_INLINE_CHECKPOINT ? 0 : undefined
  const engine = await startEngine({
    dbPath: path.join(dir, 'bench.db'),
    quiet: true,
    heartbeatMs: 15_000,
    checkpointIntervalMs
  })
  let token = engine.adminToken
  if (args.role !== 'admin') {
    token = `bench-${args.role}-token-${process.pid}`
    engine.addToken(token, args.role === 'viewer' ? 'viewer' : 'operator', 'bench')
  }
  const send = (m: ChildMessage): void => void process.send?.(m)
  process.on('message', (m: ParentMessage) => {
    if (m.type === 'publish') {
      // Publish in transactions of `batch` events, one batch per event-loop turn, as a busy
      // engine would: the hub gets to flush between batches.
      const started = performance.now()
      let done = 0
      const step = (): void => {
        const n = Math.min(m.batch, m.total - done)
        engine.services.store.transaction(() => {
          for (let i = 0; i < n; i++) {
            engine.services.events.publishExternal('metrics', 'bulk', {
              seq: done + i,
              job_id: 'j_000000000000',
              value: Math.random()
            })
          }
        })
        done += n
        if (done < m.total) setImmediate(step)
        else send({ type: 'published', count: done, ms: performance.now() - started })
      }
      step()
    } else if (m.type === 'rss') {
      const mem = process.memoryUsage()
      const cpu = process.cpuUsage()
      send({
        type: 'rss',
        rssMb: mem.rss / 1048576,
        heapMb: mem.heapUsed / 1048576,
        heapTotalMb: mem.heapTotal / 1048576,
        externalMb: mem.external / 1048576,
        // Whole engine process (main thread and checkpoint worker): compares across noisy runs.
        cpuMs: (cpu.user + cpu.system) / 1000,
        commits: engine.services.store.currentBatch,
        demoted: engine.services.hub.counters().demoted,
        // Where the JS heap's size is (new space grows under allocation pressure, large objects…).
        spaces: getHeapSpaceStatistics()
          .filter((sp) => sp.space_size >= 1048576)
          .map(
            (sp) =>
              `${sp.space_name.replace(/_space$/, '')} ${(sp.space_size / 1048576).toFixed(0)}`
          )
          .join(', ')
      })
    } else if (m.type === 'stop') {
      void engine.close().then(() => {
        rmSync(dir, { recursive: true, force: true })
        process.exit(0)
      })
    }
  })
  send({ type: 'ready', baseUrl: engine.baseUrl, token })
}

function waitFor<T extends ChildMessage['type']>(
  child: ChildProcess,
  type: T
): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve) => {
    const on = (m: ChildMessage): void => {
      if (m.type === type) {
        child.off('message', on)
        resolve(m as Extract<ChildMessage, { type: T }>)
      }
    }
    child.on('message', on)
  })
}

async function runParent(): Promise<void> {
  const seconds = Number(args.seconds)
  const clients = Number(args.clients)
  const subscribers = Number(args.subscribers)
  const events = Number(args.events)
  // Under node_modules so the bundle's external imports (better-sqlite3, zod) resolve.
  const bundle = path.resolve('node_modules/.cache/controldeck-bench/engine-bench.mjs')
  // Imported here, not at the top: the child (the measured engine) must not load esbuild.
  const { build } = await import('esbuild')
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning'
  })
  // The same Node flags and environment as the `controldeck-engine` launcher, so RSS is what ships.
  const execArgv = [...ENGINE_NODE_FLAGS]
  if (process.env.BENCH_CPU_PROF)
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`)
  const env = { ...process.env, ...ENGINE_ENV }
  const child = fork(bundle, ['--child', '--role', args.role], { execArgv, env, stdio: 'inherit' })
  const ready = await waitFor(child, 'ready')
  const base = new URL(ready.baseUrl)
  const agent = new Agent({ keepAlive: true, maxSockets: clients + 4 })
  const auth = `Bearer ${ready.token}`

  const call = (
    method: string,
    p: string,
    body?: unknown
  ): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body)
      const req = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method,
          path: base.pathname + p,
          headers: {
            Authorization: auth,
            'Content-Type': 'application/json',
            ...(payload ? { 'Content-Length': Buffer.byteLength(payload) } : {})
          }
        },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (c: string) => (text += c))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
        }
      )
      req.on('error', reject)
      req.end(payload)
    })

  console.log(
    `engine benchmark (shipped defaults, ${args.role} token) — ${clients} HTTP clients for ${seconds} s, then ${subscribers} SSE subscribers × ${events.toLocaleString('en')} events`
  )
  // The machine may be shared: print its load and CPU time per operation (engine process, and
  // this load generator) next to every wall-clock figure, so runs compare.
  const load = (): string =>
    `load ${(loadavg()[0] ?? NaN).toFixed(2)}/${availableParallelism()} cores`
  child.send({ type: 'rss' } satisfies ParentMessage)
  console.log(
    `engine RSS at start: ${(await waitFor(child, 'rss')).rssMb.toFixed(1)} MB; ${load()}`
  )

  // --- Phase 1: lifecycle transitions over HTTP. Each client loops: create a mission (one
  // identity request), then walk it through create → start → plan_ready → execute → complete.
  // (A job's fail/retry loop would be shorter, but the engine's retry budget rightly stops it.)
  const MISSION_WALK = ['create', 'start', 'plan_ready', 'execute', 'complete']
  const latencies: number[] = []
  let errors = 0
  let limited = 0
  let requests = 0
  const runFor = async (ms: number, record: boolean): Promise<number> => {
    const until = performance.now() + ms
    let count = 0
    const timed = async (
      method: string,
      p: string,
      body: unknown
    ): Promise<{ status: number; body: string }> => {
      const t0 = performance.now()
      const r = await call(method, p, body)
      if (record) {
        latencies.push(performance.now() - t0)
        requests++
      }
      if (r.status >= 300 && record) errors++
      if (r.status === 429 && record) limited++
      return r
    }
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < until) {
          const m = await timed('POST', '/identity/mission', { tags: { bench: 'true' } })
          const id = (JSON.parse(m.body) as { mission_id: string }).mission_id
          for (const transition of MISSION_WALK) {
            const r = await timed('POST', `/lifecycle/mission/${id}/transition`, {
              entity_id: id,
              transition,
              metadata: { bench: true }
            })
            if (r.status === 200) count++
          }
        }
      })
    )
    return count
  }
  await runFor(1000, false) // warm-up: JIT, statement cache, connection pool
  child.send({ type: 'rss' } satisfies ParentMessage)
  const beforeHttp = await waitFor(child, 'rss')
  const loadBefore = load()
  const parentCpu = process.cpuUsage()
  const started = performance.now()
  const transitions = await runFor(seconds * 1000, true)
  const elapsed = (performance.now() - started) / 1000
  const parentCpuUs = process.cpuUsage(parentCpu)
  latencies.sort((a, b) => a - b)
  const pct = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0
  child.send({ type: 'rss' } satisfies ParentMessage)
  const rssAfterHttp = await waitFor(child, 'rss')
  console.log(
    `lifecycle transitions over HTTP: ${(transitions / elapsed).toFixed(0)} /s (${transitions} in ${elapsed.toFixed(1)} s; all requests ${(requests / elapsed).toFixed(0)} /s, ${errors} errors of which ${limited} were 429; ${args.role} token)`
  )
  console.log(
    `request latency: p50 ${pct(0.5).toFixed(2)} ms, p99 ${pct(0.99).toFixed(2)} ms, max ${pct(1).toFixed(2)} ms`
  )
  console.log(
    `CPU per request: engine ${((1000 * (rssAfterHttp.cpuMs - beforeHttp.cpuMs)) / requests).toFixed(1)} µs, ` +
      `load generator ${((parentCpuUs.user + parentCpuUs.system) / requests).toFixed(1)} µs; ` +
      `${(requests / Math.max(1, rssAfterHttp.commits - beforeHttp.commits)).toFixed(1)} requests per SQLite commit; ` +
      `${loadBefore} → ${load()}`
  )
  console.log(
    `engine RSS after the HTTP phase: ${rssAfterHttp.rssMb.toFixed(1)} MB (JS heap used ${rssAfterHttp.heapMb.toFixed(1)} of ${rssAfterHttp.heapTotalMb.toFixed(1)} MB; heap spaces MB: ${rssAfterHttp.spaces})`
  )

  // --- Phase 2: SSE fan-out. 20 subscribers on `metrics`; count frames by scanning raw bytes
  // (no JSON parsing) so the reader is not the bottleneck being measured.
  const marker = Buffer.from('\nevent: bulk\n')
  const counts = new Array<number>(subscribers).fill(0)
  const sockets: Array<() => void> = []
  await Promise.all(
    Array.from(
      { length: subscribers },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const req = request(
            {
              host: base.hostname,
              port: base.port,
              path: `${base.pathname}/stream/events?channels=metrics`,
              headers: { Authorization: auth }
            },
            (res) => {
              let tail: Buffer = Buffer.alloc(0)
              res.on('data', (chunk: Buffer) => {
                const buf: Buffer = tail.length ? Buffer.concat([tail, chunk]) : chunk
                let at = 0
                while ((at = buf.indexOf(marker, at)) >= 0) {
                  counts[i]!++
                  at += marker.length
                }
                tail = buf.subarray(Math.max(0, buf.length - marker.length + 1))
              })
              resolve()
            }
          )
          req.on('error', reject)
          req.end()
          sockets.push(() => req.destroy())
        })
    )
  )
  child.send({ type: 'rss' } satisfies ParentMessage)
  const beforeSse = await waitFor(child, 'rss')
  const loadBeforeSse = load()
  const sseStart = performance.now()
  child.send({ type: 'publish', total: events, batch: 1000 } satisfies ParentMessage)
  const published = await waitFor(child, 'published')
  const target = events * subscribers
  while (counts.reduce((a, b) => a + b, 0) < target) {
    await new Promise((r) => setTimeout(r, 20))
    if (performance.now() - sseStart > 600_000) break
  }
  const sseSeconds = (performance.now() - sseStart) / 1000
  const delivered = counts.reduce((a, b) => a + b, 0)
  child.send({ type: 'rss' } satisfies ParentMessage)
  const rssAfterSse = await waitFor(child, 'rss')
  console.log(
    `events published (batches of 1000, persisted): ${(published.count / (published.ms / 1000)).toFixed(0)} /s`
  )
  console.log(
    `SSE delivered to ${subscribers} subscribers: ${(delivered / sseSeconds).toFixed(0)} events/s aggregate (${delivered.toLocaleString('en')} of ${target.toLocaleString('en')} in ${sseSeconds.toFixed(1)} s; min per subscriber ${Math.min(...counts).toLocaleString('en')})`
  )
  console.log(
    `engine CPU per delivered event: ${((1000 * (rssAfterSse.cpuMs - beforeSse.cpuMs)) / Math.max(1, delivered)).toFixed(2)} µs ` +
      `(${((1000 * (rssAfterSse.cpuMs - beforeSse.cpuMs)) / events).toFixed(1)} µs per published event, persisted and fanned out); ` +
      `${loadBeforeSse} → ${load()}`
  )
  console.log(
    `engine RSS after ${events.toLocaleString('en')} events: ${rssAfterSse.rssMb.toFixed(1)} MB (JS heap used ${rssAfterSse.heapMb.toFixed(1)} of ${rssAfterSse.heapTotalMb.toFixed(1)} MB, external ${rssAfterSse.externalMb.toFixed(1)} MB; subscribers switched to catch-up from the log ${rssAfterSse.demoted} times; heap spaces MB: ${rssAfterSse.spaces})`
  )

  for (const close of sockets) close()
  agent.destroy()
  child.send({ type: 'stop' } satisfies ParentMessage)
  await new Promise((r) => child.on('exit', r))
}

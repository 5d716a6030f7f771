// OTLP ingest benchmark: `npm run bench:otlp` (optionally `-- --batches 120 --clients 4
// --big-trace 5000`). First sends the hostile exports of the receiver's tests (each small on the
// wire, huge once decoded) and prints how each was answered, how long the engine's event loop was
// held and its heap and peak RSS. Then prints spans/s accepted over HTTP (protobuf exports of 512
// spans, GenAI agent traces) and spans/s mapped end to end (until the background mapper has
// drained), p50/p99 request latency and the engine's RSS, and checks that everything sent is
// queryable. Last, one trace of --big-trace spans (an agent and its chats, children first in
// exports of 512) and how long it takes to settle. The engine runs in a child process (this file
// with --child) so the load generator does not share its thread.
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { startEngine } from '../src/engine'
import { encodeExportRequest } from '../src/engine/otlp/ingest-proto'
import { HOSTILE_EXPORTS } from '../src/engine/otlp/testing'

const { values: args } = parseArgs({
  options: {
    child: { type: 'boolean', default: false },
    batches: { type: 'string', default: '120' },
    clients: { type: 'string', default: '4' },
    'big-trace': { type: 'string', default: '5000' }
  }
})

const SPANS_PER_BATCH = 512
const SPANS_PER_TRACE = 8

if (args.child) await runChild()
else await runParent()

async function runChild(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cd-otlp-bench-'))
  const engine = await startEngine({
    dbPath: path.join(dir, 'bench.db'),
    quiet: true,
    rateLimit: false
  })
  // A load generator that dies must not leave its engine behind.
  process.on('disconnect', () => process.exit(0))
  // The longest the event loop was held since the last probe (10 ms resolution).
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  process.on('message', (m: { type: string }) => {
    if (m.type === 'probe') {
      const mb = (bytes: number) => bytes / 1048576
      process.send?.({
        type: 'probe',
        heldMs: loop.max / 1e6,
        heapMb: mb(process.memoryUsage().heapUsed),
        peakRssMb: process.resourceUsage().maxRSS / 1024
      })
      loop.reset()
    }
    if (m.type === 'drain')
      void engine
        .otlp!.drained()
        .then(() => process.send?.({ type: 'drained', rssMb: process.memoryUsage().rss / 1048576 }))
    if (m.type === 'rss')
      process.send?.({ type: 'rss', rssMb: process.memoryUsage().rss / 1048576 })
    if (m.type === 'counts') {
      const q = (sql: string) => (engine.services.store.prepare(sql).get() as { n: number }).n
      process.send?.({
        type: 'counts',
        spans: q('SELECT COUNT(*) AS n FROM otlp_spans'),
        pending: q(
          `SELECT COUNT(*) AS n FROM otlp_spans WHERE entity_id IS NULL AND role != 'other'`
        ),
        jobs: q('SELECT COUNT(*) AS n FROM jobs'),
        missions: q('SELECT COUNT(*) AS n FROM missions')
      })
    }
    if (m.type === 'stop')
      void engine.close().then(() => {
        rmSync(dir, { recursive: true, force: true })
        process.exit(0)
      })
  })
  process.send?.({
    type: 'ready',
    url: engine.url,
    baseUrl: engine.baseUrl,
    token: engine.adminToken
  })
}

/** One export: 64 agent traces of 8 spans (agent, 4 chats with tokens, 2 tools, 1 HTTP span). */
function makeBatch(b: number): { body: Buffer; traceIds: string[] } {
  const spans: object[] = []
  const traceIds: string[] = []
  const now = BigInt(Date.now()) * 1_000_000n
  for (let t = 0; t < SPANS_PER_BATCH / SPANS_PER_TRACE; t++) {
    const traceHex = (b + 1).toString(16).padStart(16, '0') + t.toString(16).padStart(16, '0')
    traceIds.push(traceHex)
    const traceId = Buffer.from(traceHex, 'hex')
    const sid = (i: number) => Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex')
    const attr = (key: string, v: string | number) => ({
      key,
      value: typeof v === 'string' ? { string_value: v } : { int_value: v }
    })
    const span = (
      i: number,
      parent: number | null,
      name: string,
      attributes: object[],
      error = false
    ) => ({
      trace_id: traceId,
      span_id: sid(i),
      ...(parent === null ? {} : { parent_span_id: sid(parent) }),
      name,
      kind: 1,
      start_time_unix_nano: String(now + BigInt(i) * 1000n),
      end_time_unix_nano: String(now + BigInt(i) * 1000n + 500n),
      attributes,
      ...(error ? { status: { code: 2, message: 'tool failed' } } : {})
    })
    spans.push(
      span(0, null, 'invoke_agent bench', [
        attr('gen_ai.operation.name', 'invoke_agent'),
        attr('gen_ai.agent.name', 'bench-agent')
      ])
    )
    for (let c = 1; c <= 4; c++) {
      spans.push(
        span(c, 0, 'chat gpt-4o', [
          attr('gen_ai.operation.name', 'chat'),
          attr('gen_ai.provider.name', 'openai'),
          attr('gen_ai.request.model', 'gpt-4o'),
          attr('gen_ai.usage.input_tokens', 120),
          attr('gen_ai.usage.output_tokens', 80)
        ])
      )
    }
    spans.push(
      span(5, 0, 'execute_tool search', [
        attr('gen_ai.operation.name', 'execute_tool'),
        attr('gen_ai.tool.name', 'search')
      ])
    )
    spans.push(span(6, 0, 'GET example.org', [attr('http.request.method', 'GET')]))
    spans.push(
      span(
        7,
        6,
        'execute_tool fetch',
        [
          attr('gen_ai.operation.name', 'execute_tool'),
          attr('gen_ai.tool.name', 'fetch'),
          attr('error.type', 'Timeout')
        ],
        t % 4 === 0
      )
    )
  }
  const body = encodeExportRequest({
    resource_spans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { string_value: 'bench' } }] },
        scope_spans: [{ scope: { name: 'bench' }, spans }]
      }
    ]
  })
  return { body, traceIds }
}

async function runParent(): Promise<void> {
  const batches = Number(args.batches)
  const clients = Number(args.clients)
  const child = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'] })
  const next = <T>(type: string): Promise<T> =>
    new Promise((resolve) => {
      const on = (m: { type: string }) => {
        if (m.type === type) {
          child.off('message', on)
          resolve(m as T)
        }
      }
      child.on('message', on)
    })
  const ready = await next<{ url: string; baseUrl: string; token: string }>('ready')
  const payloads = Array.from({ length: batches }, (_, b) => makeBatch(b))
  const agent = new Agent({ keepAlive: true, maxSockets: clients })
  const post = (
    body: Buffer,
    headers: Record<string, string> = {}
  ): Promise<{ status: number; retryAfter: number }> =>
    new Promise((resolve, reject) => {
      const req = request(
        ready.url + '/v1/traces',
        {
          method: 'POST',
          agent,
          headers: {
            Authorization: `Bearer ${ready.token}`,
            'Content-Type': 'application/x-protobuf',
            'Content-Length': body.length,
            ...headers
          }
        },
        (res) => {
          res.resume()
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: Number(res.headers['retry-after'] ?? 1)
            })
          )
        }
      )
      req.on('error', reject)
      req.end(body)
    })
  type Probe = { heldMs: number; heapMb: number; peakRssMb: number }
  const probe = (): Promise<Probe> => {
    child.send({ type: 'probe' })
    return next<Probe>('probe')
  }
  // Hostile exports first, on a fresh engine: its peak RSS is theirs.
  const start = await probe()
  console.log(
    `OTLP hostile exports (engine heap ${start.heapMb.toFixed(0)} MB, peak RSS ${start.peakRssMb.toFixed(0)} MB before)`
  )
  for (const h of HOSTILE_EXPORTS) {
    const raw = h.body()
    const body = h.gzip ? gzipSync(raw) : Buffer.from(raw)
    await probe()
    const t0 = performance.now()
    const { status } = await post(body, {
      ...(h.json ? { 'Content-Type': 'application/json' } : {}),
      ...(h.gzip ? { 'Content-Encoding': 'gzip' } : {})
    })
    const ms = performance.now() - t0
    const after = await probe()
    console.log(
      `  ${h.what}: ${status} in ${ms.toFixed(0)} ms (${(body.length / 1024).toFixed(1)} KB sent, ${(raw.length / 1048576).toFixed(1)} MB decoded); event loop held ≤ ${after.heldMs.toFixed(0)} ms, heap ${after.heapMb.toFixed(0)} MB, peak RSS ${after.peakRssMb.toFixed(0)} MB`
    )
  }
  const latencies: number[] = []
  let nextBatch = 0
  let failures = 0
  let throttled = 0
  const [load0 = NaN] = loadavg()
  const started = performance.now()
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (nextBatch < batches) {
        const p = payloads[nextBatch++]!
        // An exporter's behaviour: 429 means wait Retry-After seconds and send the same export again.
        for (;;) {
          const t0 = performance.now()
          const { status, retryAfter } = await post(p.body)
          latencies.push(performance.now() - t0)
          if (status === 429) {
            throttled++
            await new Promise((r) => setTimeout(r, retryAfter * 1000))
            continue
          }
          if (status !== 200) failures++
          break
        }
      }
    })
  )
  const seconds = (performance.now() - started) / 1000
  child.send({ type: 'rss' })
  const rss = await next<{ rssMb: number }>('rss')
  // Mapping runs behind the answers: the run ends when the mapper has drained.
  child.send({ type: 'drain' })
  const drained = await next<{ rssMb: number }>('drained')
  const mappedSeconds = (performance.now() - started) / 1000
  child.send({ type: 'counts' })
  const counts = await next<{ spans: number; pending: number; jobs: number; missions: number }>(
    'counts'
  )
  // Queryable over REST: the last trace's spans and its mission.
  const last = payloads[batches - 1]!.traceIds.at(-1)!
  const view = await new Promise<{ mission_id: string | null; spans: unknown[] }>(
    (resolve, reject) => {
      request(
        `${ready.baseUrl}/otel/traces/${last}/spans`,
        { headers: { Authorization: `Bearer ${ready.token}` } },
        (res) => {
          let text = ''
          res.on('data', (c) => (text += c))
          res.on('end', () => resolve(JSON.parse(text)))
        }
      )
        .on('error', reject)
        .end()
    }
  )
  latencies.sort((a, b) => a - b)
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(1)
  const spans = batches * SPANS_PER_BATCH
  console.log(
    `OTLP ingest: ${spans} spans in ${batches} protobuf exports of ${SPANS_PER_BATCH}, ${clients} clients`
  )
  console.log(
    `  accepted: ${Math.round(spans / seconds)} spans/s (${seconds.toFixed(2)} s), ${throttled} 429 answers (retried), ${failures} other non-200`
  )
  console.log(
    `  mapped end to end: ${Math.round(spans / mappedSeconds)} spans/s (${mappedSeconds.toFixed(2)} s until the mapper drained)`
  )
  console.log(`  request latency p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`)
  console.log(
    `  engine RSS ${rss.rssMb.toFixed(0)} MB after the exports, ${drained.rssMb.toFixed(0)} MB drained (engine under tsx)`
  )
  console.log(
    `  stored spans ${counts.spans}, pending ${counts.pending}, missions ${counts.missions}, jobs ${counts.jobs} (expected ${spans}, 0, ${spans / SPANS_PER_TRACE}, ${(spans / SPANS_PER_TRACE) * 6})`
  )
  console.log(`  last trace queryable: mission ${view.mission_id}, ${view.spans.length} spans`)
  console.log(
    `  load average at start ${load0.toFixed(2)}, at end ${(loadavg()[0] ?? NaN).toFixed(2)} (2 cores, shared)`
  )
  await bigTrace(Number(args['big-trace']), post, () => {
    child.send({ type: 'drain' })
    return next<{ rssMb: number }>('drained')
  })
  child.send({ type: 'stop' })
  agent.destroy()
}

/**
 * One trace of `n` spans: an agent and its chats, sent children first (a child ends, and is
 * exported, before its parent) in exports of 512, the agent last; prints how long until the
 * mapper has settled it. Settling reads only what it maps, so this grows with n, not n².
 */
async function bigTrace(
  n: number,
  post: (body: Buffer) => Promise<{ status: number }>,
  drain: () => Promise<unknown>
): Promise<void> {
  const traceId = Buffer.from('b1'.repeat(16), 'hex')
  const now = BigInt(Date.now()) * 1_000_000n
  const sid = (i: number) => Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex')
  const op = (name: string) => ({ key: 'gen_ai.operation.name', value: { string_value: name } })
  const spans = Array.from({ length: n }, (_, i) => ({
    trace_id: traceId,
    span_id: sid(i),
    ...(i === 0 ? {} : { parent_span_id: sid(0) }),
    name: i === 0 ? 'invoke_agent big' : 'chat gpt-4o',
    kind: 1,
    start_time_unix_nano: String(now + BigInt(i) * 1000n),
    end_time_unix_nano: String(now + BigInt(2 * n - i) * 1000n),
    attributes: [op(i === 0 ? 'invoke_agent' : 'chat')]
  })).reverse()
  const started = performance.now()
  for (let i = 0; i < spans.length; i += SPANS_PER_BATCH) {
    const body = encodeExportRequest({
      resource_spans: [{ scope_spans: [{ spans: spans.slice(i, i + SPANS_PER_BATCH) }] }]
    })
    const { status } = await post(body)
    if (status !== 200) console.log(`  big trace: export answered ${status}`)
  }
  await drain()
  const seconds = (performance.now() - started) / 1000
  console.log(
    `OTLP one trace of ${n} spans (children first, exports of ${SPANS_PER_BATCH}): settled in ${seconds.toFixed(2)} s, ${Math.round(n / seconds)} spans/s`
  )
}

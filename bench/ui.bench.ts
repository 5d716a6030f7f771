// npm run bench:ui — the renderer under load, in Debian's Chromium against browser mode on a real
// engine (temp SQLite). Prints figures; asserts nothing.
//   streaming: 10,000 events/s published into the engine for a few seconds while a dashboard is
//     open → p95 frame time (rAF intervals) and event-to-screen latency (paint time minus the
//     event's own timestamp, measured by the renderer's ?perf=1 probe)
//   trace open: a mission with 1,000,000 attempts (one job; BENCH_ATTEMPTS to change) → time from
//     navigation to the tree on screen, then frame times while scrolling through it (pages of
//     children load as the end comes near), and the wait for the mission's roll-up (its sums over
//     the million attempts, computed by the engine at the source)
// Targets (issue 6): p95 frame < 16 ms, event-to-screen p99 < 100 ms, 100k trace open < 500 ms.
// Targets (issue 14): 1M trace open < 1 s to the first rows, scroll at 60 fps, work per frame p95 < 8 ms.
//   list sort: 100,000 missions sorted by cost through the list's own sort, in the same Chromium
//     (target < 200 ms; issue 14)
// BENCH_ONLY=trace skips the streaming part; BENCH_ONLY=list runs the list sort alone.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import { chromium, type Page } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config'
import { startEngine } from '../src/engine'
import { createJobDirect } from '../src/engine/testing/harness'
import { startServe } from '../src/main/services/cli/commands/serve'

const RATE = Number(process.env.BENCH_EVENTS_PER_SECOND ?? 10_000)
const STREAM_SECONDS = Number(process.env.BENCH_STREAM_SECONDS ?? 6)
const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 1_000_000)
const ONLY = process.env.BENCH_ONLY ?? ''
const LIST_ROWS = Number(process.env.BENCH_LIST_ROWS ?? 100_000)
const TICK_MS = 10

function pct(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN
}
/** What the renderer's ?perf=1 probe (src/renderer/src/lib/app/perfProbe.ts) exposes on window. */
interface PerfWindow {
  __controldeckPerf: {
    latencies: number[]
    arrivals: number[]
    renders: number[]
    traceOpens: Array<{ id: string; ms: number; nodes: number }>
    events: number
  }
}
/** Ends the run early (BENCH_ONLY=list) through the same cleanup. */
class Skip extends Error {}

const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a')

const dir = mkdtempSync(path.join(tmpdir(), 'controldeck-bench-ui-'))
const engine = await startEngine({
  dbPath: path.join(dir, 'engine.db'),
  host: '127.0.0.1',
  port: 0,
  quiet: true,
  rateLimit: false
})
const serve = await startServe({
  dataDir: path.join(dir, 'console'),
  localEngine: { url: engine.url, adminToken: engine.adminToken },
  rendererDir: path.resolve('out/renderer')
})
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: CHROMIUM_ARGS,
  headless: true
})

/** Collects rAF intervals in the page until stopped; returns them (ms). */
async function startFrames(page: Page): Promise<void> {
  // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
  // Two figures per frame: the rAF interval (what the eye sees; 16.7 ms = every vsync hit at
  // 60 Hz) and the work of the frame: from the start of the first rAF callback to the end of
  // that frame's rendering (a message posted from rAF is handled after the paint). It covers
  // the live feed's flush, React's commit, style, layout and paint.
  await page.evaluate(`(() => {
    window.__frames = []
    window.__work = []
    window.__framesOn = true
    const ch = new MessageChannel()
    ch.port1.onmessage = (e) => window.__work.push(performance.now() - e.data)
    let last = performance.now()
    const loop = (t) => {
      window.__frames.push(t - last)
      last = t
      ch.port2.postMessage(performance.now())
      if (window.__framesOn) requestAnimationFrame(loop)
    }
    requestAnimationFrame(loop)
  })()`)
}

async function stopFrames(page: Page): Promise<{ intervals: number[]; work: number[] }> {
  return page.evaluate(`(() => {
    window.__framesOn = false
    return { intervals: window.__frames.slice(1), work: window.__work.slice(1) }
  })()`)
}

/** Prints frame figures: intervals and work per frame. */
function frameLine(label: string, frames: { intervals: number[]; work: number[] }): string {
  const late = frames.intervals.filter((i) => i > 25).length
  return (
    `  ${label}: interval p50 ${f(pct(frames.intervals, 50))}, p95 ${f(pct(frames.intervals, 95))}, p99 ${f(pct(frames.intervals, 99))}, ` +
    `max ${f(Math.max(...frames.intervals))} ms (${frames.intervals.length} frames, ${late} late > 25 ms); ` +
    `work per frame p50 ${f(pct(frames.work, 50))}, p95 ${f(pct(frames.work, 95))}, p99 ${f(pct(frames.work, 99))} ms`
  )
}

/** The list sort, bundled into a blank page of the bench's Chromium. */
async function benchListSort(): Promise<void> {
  const bundle = await build({
    entryPoints: [path.resolve('src/renderer/src/lib/nav/listView.bench.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'ListSort',
    write: false,
    logLevel: 'silent'
  })
  const page = await browser.newPage()
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text })
  // A string, not a function: tsx would wrap it in a helper the page lacks.
  const r = (await page.evaluate(`ListSort.measureSort(${LIST_ROWS}, 5)`)) as {
    first: number
    median: number
    ok: boolean
  }
  await page.close()
  console.log(
    `sort ${LIST_ROWS.toLocaleString('en-US')} missions by cost (the list's filterRows + sortRows, in Chromium): first ${f(r.first)} ms, ` +
      `then median ${f(r.median)} ms${r.ok ? '' : ' (WRONG ORDER)'}; target < 200 ms`
  )
}

try {
  await benchListSort()
  if (ONLY === 'list') throw new Skip()
  // ---- Data: one mission → plan → job with ATTEMPTS attempts, written in-process (fast).
  const s = engine.services
  const t0 = performance.now()
  const { missionId, jobId } = createJobDirect(s, 'llm_call', { tags: { bench: 'ui' } })
  s.lifecycle.transition('mission', missionId, 'create', {}, 'bench')
  s.lifecycle.transition('job', jobId, 'create', {}, 'bench')
  // Bench-only seeding: the attempts go straight into the engine's store (one prepared insert in
  // one transaction, sequential ids and times) — the identity service's per-attempt checks would
  // take minutes for a million. The job's attempt count is set as the attempt hook would.
  const insert = s.store.prepare(
    'INSERT INTO attempts (attempt_id, job_id, mission_id, attempt_number, metadata, created_at, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)'
  )
  const base = Date.now()
  s.store.transaction(() => {
    for (let i = 1; i <= ATTEMPTS; i++) {
      const ms = base + i
      insert.run(
        `a_${i.toString(16).padStart(12, '0')}`,
        jobId,
        missionId,
        i,
        '{}',
        new Date(ms).toISOString(),
        ms
      )
    }
    s.store
      .prepare('INSERT OR IGNORE INTO entity_metrics (entity_id, entity_type) VALUES (?, ?)')
      .run(jobId, 'job')
    s.store
      .prepare('UPDATE entity_metrics SET attempt_count = ? WHERE entity_id = ?')
      .run(ATTEMPTS, jobId)
  })
  console.log(
    `setup: ${ATTEMPTS.toLocaleString('en-US')} attempts written in ${f(performance.now() - t0)} ms`
  )

  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
  // Sign in with the one-time address (it lands on `/`), then load the page with the probe on.
  await page.goto(serve.url)
  await page.goto(`${serve.server.origin}/?perf=1`)
  await page.waitForSelector('[data-testid="connection-badge"][data-status="live"]', {
    timeout: 20_000
  })

  // ---- Streaming.
  for (const view of ONLY === 'trace' ? [] : (['overview', 'budget'] as const)) {
    await page.evaluate((v) => (window.location.hash = `#/${v}`), view)
    await page.waitForTimeout(500)
    await page.evaluate(() => {
      const p = (window as unknown as PerfWindow).__controldeckPerf
      p.latencies.length = 0
      p.arrivals.length = 0
      p.renders.length = 0
      p.events = 0
    })
    await startFrames(page)
    const perTick = Math.round((RATE * TICK_MS) / 1000)
    let published = 0
    const types = [
      ['enforcement', 'cost_tracked'],
      ['enforcement', 'retry_attempted'],
      ['enforcement', 'timeout_enforced'],
      ['metrics', 'bench_tick'],
      ['reflex', 'trigger_activated']
    ] as const
    const started = performance.now()
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.round(((performance.now() - started) / 1000) * RATE) - published
        const n = Math.max(0, Math.min(due, perTick * 5))
        s.store.transaction(() => {
          for (let i = 0; i < n; i++) {
            const [channel, type] = types[(published + i) % types.length]!
            s.events.publishExternal(channel, type, {
              job_id: jobId,
              llm_tokens: 10,
              cost: 0.001,
              success: true,
              trigger_id: 'bench',
              seq: published + i
            })
          }
        })
        published += n
        if (performance.now() - started >= STREAM_SECONDS * 1000) {
          clearInterval(timer)
          resolve()
        }
      }, TICK_MS)
    })
    const pubSeconds = (performance.now() - started) / 1000
    await page.waitForTimeout(1500) // let the tail arrive
    const frames = await stopFrames(page)
    const perf = await page.evaluate(() => ({
      latencies: (window as unknown as PerfWindow).__controldeckPerf.latencies.slice(),
      arrivals: (window as unknown as PerfWindow).__controldeckPerf.arrivals.slice(),
      renders: (window as unknown as PerfWindow).__controldeckPerf.renders.slice(),
      events: (window as unknown as PerfWindow).__controldeckPerf.events
    }))
    console.log(
      `stream on ${view}: published ${published.toLocaleString('en-US')} events in ${f(pubSeconds)} s ` +
        `(${Math.round(published / pubSeconds).toLocaleString('en-US')}/s); on screen ${perf.events.toLocaleString('en-US')}`
    )
    console.log(frameLine('frames', frames))
    console.log(
      `  event-to-screen ms: p50 ${f(pct(perf.latencies, 50))}, p95 ${f(pct(perf.latencies, 95))}, p99 ${f(pct(perf.latencies, 99))} (${perf.latencies.length} samples)`
    )
    console.log(
      `    engine → services → page (arrival) ms: p50 ${f(pct(perf.arrivals, 50))}, p95 ${f(pct(perf.arrivals, 95))}, p99 ${f(pct(perf.arrivals, 99))}`
    )
    console.log(
      `    renderer only (arrival → painted) ms: p50 ${f(pct(perf.renders, 50))}, p95 ${f(pct(perf.renders, 95))}, p99 ${f(pct(perf.renders, 99))} (${perf.renders.length} pushes)`
    )
  }

  // ---- 100k-attempt trace: open (mission and job) and scroll.
  for (const id of [missionId, jobId]) {
    await page.evaluate(() => (window.location.hash = '#/overview'))
    await page.waitForTimeout(300)
    const opens = await page.evaluate(
      () => (window as unknown as PerfWindow).__controldeckPerf.traceOpens.length
    )
    const wall0 = Date.now()
    await page.evaluate((x) => (window.location.hash = `#/traces/${x}`), id)
    await page.waitForFunction(
      (n) => (window as unknown as PerfWindow).__controldeckPerf.traceOpens.length > n,
      opens,
      { timeout: 30_000 }
    )
    const open = await page.evaluate(() =>
      (window as unknown as PerfWindow).__controldeckPerf.traceOpens.at(-1)!
    )
    console.log(
      `trace open ${id} (${ATTEMPTS.toLocaleString('en-US')} attempts below): ${f(open.ms)} ms to the tree on screen (${open.nodes} rows; wall ${Date.now() - wall0} ms)`
    )
    // The roll-up line appears once the engine has summed the subtree.
    const r0 = Date.now()
    await page.waitForSelector('[data-testid="trace-rollup"]', { timeout: 60_000 })
    console.log(
      `  roll-up of ${id} on screen ${Date.now() - wall0} ms after navigation (${Date.now() - r0} ms after the first rows): ${await page.textContent('[data-testid="trace-rollup"]')}`
    )
  }

  // Scroll through the job's attempts for a few seconds with the mouse wheel (400 px a notch,
  // one notch a frame: a fast, continuous scroll), paging children in as the end comes near.
  const box = await page.locator('[data-testid="trace-tree"]').boundingBox()
  await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2)
  await startFrames(page)
  const scrollStart = Date.now()
  while (Date.now() - scrollStart < 4000) {
    await page.mouse.wheel(0, 400)
    await page.waitForTimeout(16)
  }
  const scrollFrames = await stopFrames(page)
  const rows = await page.getAttribute('[data-testid="trace-tree"]', 'data-rows')
  console.log(`scroll 4 s through the job (rows loaded: ${rows}):`)
  console.log(frameLine('frames', scrollFrames))
  console.log(
    'targets: p95 frame < 16 ms, event-to-screen p99 < 100 ms, 1M trace open < 1 s, scroll work per frame p95 < 8 ms'
  )
} catch (error) {
  if (!(error instanceof Skip)) throw error
} finally {
  await browser.close()
  await serve.close()
  await engine.close()
  rmSync(dir, { recursive: true, force: true })
}

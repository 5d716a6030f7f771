// demo:flaky — a tool caller whose upstream tool keeps failing. Every failed attempt counts
// against the tool's circuit breaker on the engine; after five in a row the engine opens it and
// refuses further attempts with NR-E140 until its recovery timeout. Watch the Reflex page.
import { CircuitOpenError, RetryExhaustedError } from '../index'
import { connectDemo, describe, main, pause, PACE_MS, say } from './common'

const JOBS = Number(process.env.CONTROLDECK_DEMO_JOBS ?? 6)
const TOOL = 'weather-api'

let calls = 0
/** The flaky upstream: answers one call in seven, so failures come in runs of six. */
async function callWeatherTool(city: string, signal: AbortSignal): Promise<string> {
  calls += 1
  await pause(20)
  signal.throwIfAborted()
  if (calls % 7 !== 0) throw new Error(`weather-api: 503 Service Unavailable (call ${calls})`)
  return `${city}: 14°C, light rain`
}

main(async () => {
  const agent = await connectDemo()
  const mission = await agent.mission({ tags: { agent: 'demo:flaky' } })
  say(`mission ${mission.id}`)
  const plan = await mission.plan('sequential')
  let circuitOpened = false
  for (const [i, city] of ['Lisbon', 'Oslo', 'Quito', 'Perth', 'Accra', 'Hanoi', 'Lima', 'Riga']
    .slice(0, JOBS)
    .entries()) {
    try {
      const outcome = await plan.runJob(
        'tool_execution',
        { timeout_ms: 2000, max_retries: 2 },
        (ctx) => callWeatherTool(city, ctx.signal),
        { tool: TOOL, metadata: { city } }
      )
      say(`job ${i + 1} ${outcome.jobId}: ${outcome.value} after ${outcome.attempts} attempt(s)`)
    } catch (err) {
      const cause = err instanceof RetryExhaustedError ? err.cause : err
      if (cause instanceof CircuitOpenError) circuitOpened = true
      say(`job ${i + 1} failed: ${describe(err)}`)
    }
    await pause(PACE_MS)
  }
  say(
    circuitOpened
      ? `circuit tool:${TOOL} is open: the engine refused further calls (NR-E140)`
      : `circuit tool:${TOOL} stayed closed`
  )
  await mission.fail('the weather tool kept failing')
  await agent.close()
})

// demo:slow — a worker whose jobs take longer than their timeout budget. The SDK aborts each
// attempt's signal at timeout_ms and the job ends in `timeout` (NR-E100). Watch the Budget page.
import { BudgetTimeoutError } from '../index'
import { connectDemo, describe, envMs, main, pause, PACE_MS, say } from './common'

const JOBS = Number(process.env.CONTROLDECK_DEMO_JOBS ?? 3)
const TIMEOUT_MS = envMs('CONTROLDECK_DEMO_TIMEOUT_MS', 800)

/** Work that needs twice its budget; it stops early when the signal aborts, as good work should. */
function crunch(ms: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve('done'), ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true }
    )
  })
}

main(async () => {
  const agent = await connectDemo()
  const mission = await agent.mission({ tags: { agent: 'demo:slow' } })
  say(`mission ${mission.id}`)
  const plan = await mission.plan('sequential')
  let timeouts = 0
  for (let i = 1; i <= JOBS; i++) {
    const started = Date.now()
    try {
      await plan.job('data_processing', { timeout_ms: TIMEOUT_MS, max_retries: 1 }, (ctx) =>
        crunch(TIMEOUT_MS * 2, ctx.signal)
      )
      say(`job ${i} finished`)
    } catch (err) {
      if (err instanceof BudgetTimeoutError) timeouts += 1
      say(`job ${i} stopped after ${Date.now() - started} ms: ${describe(err)}`)
    }
    await pause(PACE_MS)
  }
  say(`${timeouts} of ${JOBS} jobs hit their ${TIMEOUT_MS} ms timeout`)
  await mission.fail(`${timeouts} job(s) timed out`)
  await agent.close()
})

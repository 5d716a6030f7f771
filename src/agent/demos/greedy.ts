// demo:greedy — an LLM caller that keeps asking for more. It reports its tokens after every
// chunk; when the job goes over max_llm_tokens the engine (or the SDK) refuses, the attempt's
// signal aborts and the job fails without retrying (NR-E103/E104). Watch the Budget page.
import { BudgetExceededError } from '../index'
import { connectDemo, describe, envMs, main, pause, PACE_MS, say } from './common'

const MAX_TOKENS = 1000
const CHUNK_TOKENS = 240
const CHUNK_MS = envMs('CONTROLDECK_DEMO_CHUNK_MS', 100)

main(async () => {
  const agent = await connectDemo()
  const mission = await agent.mission({ tags: { agent: 'demo:greedy' } })
  say(`mission ${mission.id}`)
  const plan = await mission.plan('sequential')

  // A modest first job that stays within budget, so the budget page shows normal use too.
  await plan.job('llm_call', { max_llm_tokens: MAX_TOKENS, max_cost_credits: 5 }, async (ctx) => {
    await ctx.reportUsage({ llmTokens: 300, costCredits: 0.3 })
    say(`job 1 used ${ctx.usage.llmTokens} tokens`)
  })
  await pause(PACE_MS)

  try {
    await plan.job(
      'llm_call',
      { max_llm_tokens: MAX_TOKENS, max_cost_credits: 5, timeout_ms: 30_000 },
      async (ctx) => {
        for (let chunk = 1; ; chunk++) {
          await pause(CHUNK_MS)
          await ctx.reportUsage({ llmTokens: CHUNK_TOKENS, costCredits: CHUNK_TOKENS / 1000 })
          say(`job 2 chunk ${chunk}: ${ctx.usage.llmTokens} tokens so far`)
        }
      }
    )
  } catch (err) {
    say(`job 2 stopped: ${describe(err)}`)
    if (!(err instanceof BudgetExceededError)) throw err
  }
  await mission.fail('token budget exceeded')
  await agent.close()
})

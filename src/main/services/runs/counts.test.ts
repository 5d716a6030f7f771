// Counts that mean what they say (issue 10, item 5): after agents meet an open circuit and use up
// their retries, the console's lifecycle counts (getLifecycleStats, what Overview and Lifecycle
// show) hold no attempt waiting in `created` and tell jobs awaiting retry from jobs given up.
// The real SDK drives the real engine; the console reads it over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CircuitOpenError, connect, type ControlDeckAgent } from '../../../agent'
import type { LifecycleStatsResult } from '../../../shared/console/domains/data'
import type { ConsoleService } from '../console-service'
import { withoutKeychain } from '../testing/no-keychain'
import {
  createLocalConsole,
  engineFetch,
  startTempEngine,
  type TempEngine
} from '../testing/temp-engine'

let tmp: TempEngine
let service: ConsoleService
let agent: ControlDeckAgent
let refusedJobId = ''

async function post(route: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await engineFetch(tmp.engine, 'POST', route, body)
  expect(res.status, route).toBeLessThan(300)
  return (await res.json()) as Record<string, unknown>
}

beforeAll(async () => {
  withoutKeychain()
  tmp = await startTempEngine('controldeck-counts-', { rateLimit: false })
  service = createLocalConsole(tmp.engine, tmp.dir)
  agent = await connect({
    url: tmp.engine.url,
    token: tmp.engine.adminToken,
    handleSignals: false,
    backoff: { baseDelayMs: 1, maxDelayMs: 5 }
  })
  const plan = await (await agent.mission({ tags: { test: 'counts' } })).plan()
  // Five jobs fail once each with no retry allowed: given up (retries used up), and the circuit
  // of their tool opens.
  for (let i = 0; i < 5; i++) {
    await plan
      .runJob('c_tool', { max_retries: 0 }, () => Promise.reject(new Error('tool down')), {
        tool: 'counts-tool'
      })
      .catch(() => undefined)
  }
  // The sixth is refused by the open circuit before anything runs.
  const refused = await plan
    .runJob('c_tool', { max_retries: 1 }, () => 'never', { tool: 'counts-tool' })
    .catch((e: unknown) => e)
  expect(refused).toBeInstanceOf(CircuitOpenError)
  refusedJobId = (refused as CircuitOpenError).details.job_id as string
  // One job failed once with retries left, its agent still deciding: awaiting retry.
  const m = await post('/identity/mission', { tags: {} })
  const p = await post('/identity/plan', { mission_id: m.mission_id })
  const j = await post('/identity/job', {
    plan_id: p.plan_id,
    job_type: 'c_other',
    metadata: { budget: { max_retries: 2 } }
  })
  for (const t of ['create', 'dependencies_met', 'start', 'fail'])
    await post(`/lifecycle/job/${j.job_id as string}/transition`, { transition: t })
})

afterAll(async () => {
  await agent?.close()
  await service?.dispose()
  await tmp?.close()
})

describe('lifecycle counts after agents gave up', () => {
  it('count no attempt in created and tell awaiting retry from given up', async () => {
    const stats = (await service.invoke('getLifecycleStats', {})) as LifecycleStatsResult
    expect(stats.source).toBe('backend')
    expect(stats.states.attempt).toEqual({ failed_error: 5 })
    expect(stats.states.job).toEqual({ failed_mechanical: 7 })
    // Six nobody will move again (five with spent retries, one refused), one awaiting its retry.
    expect(stats.givenUp).toEqual({ failed_mechanical: 6 })
  })

  it('show the refusal on the refused job: its failure carries NR-E140, and so does its give-up', async () => {
    const details = (await service.invoke('getEntityDetails', { entityId: refusedJobId })) as {
      state: string
      history: Array<{ to_state: string; metadata: Record<string, unknown> }>
      audit: Array<{ event_type: string; details: Record<string, unknown> }>
    }
    expect(details.state).toBe('failed_mechanical')
    expect(details.history.at(-1)).toMatchObject({
      to_state: 'failed_mechanical',
      metadata: { error_code: 'NR-E140' }
    })
    expect(details.audit.find((e) => e.event_type === 'job_given_up')?.details).toMatchObject({
      code: 'NR-E140'
    })
  })
})

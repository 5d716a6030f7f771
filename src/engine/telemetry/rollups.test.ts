import { describe, expect, it } from 'vitest'
import { EntityMetricsSchema, JobPageSchema, MissionPageSchema } from '../../shared/neurorail'
import { rollUp, type RollupEntity, type RollupMetrics } from '../../shared/neurorail/rollup'
import { suiteEngine } from '../testing/suite'

describe('list_rollups: per-item roll-ups on the list routes', () => {
  const t = suiteEngine()

  async function move(type: string, id: string, ...actions: string[]) {
    for (const transition of actions) {
      const r = await t.api('POST', `/lifecycle/${type}/${id}/transition`, {
        entity_id: id,
        transition,
        metadata: {}
      })
      expect(r.status, `${type} ${transition}: ${JSON.stringify(r.body)}`).toBe(200)
    }
  }

  it('equals the shared rollUp over the same mission (tokens, cost, counts, retries, errors, span)', async () => {
    const m = (await t.api('POST', '/identity/mission', { tags: { team: 'ops' } })).body
      .mission_id as string
    const p = (await t.api('POST', '/identity/plan', { mission_id: m })).body.plan_id as string
    const j1 = (await t.api('POST', '/identity/job', { plan_id: p, job_type: 'llm_call' })).body
      .job_id as string
    const j2 = (await t.api('POST', '/identity/job', { plan_id: p, job_type: 'tool_execution' }))
      .body.job_id as string
    await move('mission', m, 'create', 'start', 'plan_ready', 'execute')
    await move('job', j1, 'create', 'dependencies_met', 'start', 'fail', 'retry', 'complete')
    await move('job', j2, 'create', 'dependencies_met', 'start')
    const a1 = (await t.api('POST', '/identity/attempt', { job_id: j1, attempt_number: 1 })).body
      .attempt_id as string
    const a2 = (await t.api('POST', '/identity/attempt', { job_id: j1, attempt_number: 2 })).body
      .attempt_id as string
    const a3 = (await t.api('POST', '/identity/attempt', { job_id: j2, attempt_number: 1 })).body
      .attempt_id as string
    await move('attempt', a1, 'create', 'start', 'fail')
    await move('attempt', a2, 'create', 'start', 'complete')
    await move('attempt', a3, 'create', 'start')
    for (const [id, tokens, cost] of [
      [a1, 500, 0.5],
      [a2, 700, 0.25],
      [a3, 300, 1]
    ] as const) {
      expect(
        (
          await t.api('POST', '/telemetry/report', {
            entity_id: id,
            llm_tokens: tokens,
            cost_credits: cost
          })
        ).status
      ).toBe(200)
    }

    const got = await t.api('GET', '/identity/missions?rollups=true&limit=5')
    expect(got.status, JSON.stringify(got.body)).toBe(200)
    const listed = MissionPageSchema.parse(got.body)
    const row = listed.items.find((i) => i.mission_id === m)!
    expect(row.rollup).toMatchObject({
      jobs: 2,
      attempts: 3,
      tokens: 1500,
      cost: 1.75,
      retries: 1,
      errors: 1
    })
    // a3 still runs: the mission has a start and no end yet.
    expect(row.rollup?.startedAt).not.toBeNull()
    expect(row.rollup?.durationMs).toBeNull()

    const entities: RollupEntity[] = [
      { entityId: m, entityType: 'mission', parentId: null },
      { entityId: p, entityType: 'plan', parentId: m },
      { entityId: j1, entityType: 'job', parentId: p },
      { entityId: j2, entityType: 'job', parentId: p },
      { entityId: a1, entityType: 'attempt', parentId: j1 },
      { entityId: a2, entityType: 'attempt', parentId: j1 },
      { entityId: a3, entityType: 'attempt', parentId: j2 }
    ]
    const metrics: RollupMetrics[] = []
    for (const e of entities) {
      const r = await t.api('GET', `/telemetry/metrics/${e.entityId}`)
      if (r.status === 200) metrics.push(EntityMetricsSchema.parse(r.body))
    }
    const shared = rollUp(entities, metrics)
    expect(row.rollup).toEqual(shared.get(m))

    const jobs = JobPageSchema.parse(
      (await t.api('GET', `/identity/jobs?mission_id=${m}&rollups=true`)).body
    )
    for (const job of jobs.items) expect(job.rollup).toEqual(shared.get(job.job_id))
    expect(jobs.items.find((j) => j.job_id === j1)?.rollup?.durationMs).not.toBeNull()

    // Without the flag the items stay as they were; a bad flag is a 422 naming it.
    const plain = await t.api('GET', '/identity/missions?limit=1')
    expect(plain.body.items[0]).not.toHaveProperty('rollup')
    const bad = await t.api('GET', '/identity/missions?rollups=yes')
    expect(bad.status).toBe(422)
    const caps = await t.api('GET', '/capabilities')
    expect(caps.body.features).toContain('list_rollups')
  })
})

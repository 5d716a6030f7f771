import { describe, expect, it } from 'vitest'
import {
  AttemptPageSchema,
  AttemptRecordSchema,
  ChildrenResponseSchema,
  isEntityId,
  JobPageSchema,
  JobRecordSchema,
  MissionPageSchema,
  MissionRecordSchema,
  PlanRecordSchema,
  ResourceRecordSchema,
  TraceResponseSchema
} from '../../shared/neurorail'
import { createChain, startTestEngine } from '../testing/harness'
import { suiteEngine } from '../testing/suite'

describe('identity routes', () => {
  const t = suiteEngine()

  it('creates the five levels with §2 ids and §3 shapes, and reads each back', async () => {
    const m = await t.api('POST', '/identity/mission', { tags: { team: 'ops' } })
    expect(m.status).toBe(201)
    const mission = MissionRecordSchema.parse(m.body)
    expect(isEntityId(mission.mission_id, 'mission')).toBe(true)
    expect(mission.created_at.endsWith('Z')).toBe(true)
    expect(Object.keys(m.body)).toEqual(['mission_id', 'created_at', 'parent_mission_id', 'tags'])

    const p = await t.api('POST', '/identity/plan', {
      mission_id: mission.mission_id,
      plan_type: 'dag',
      metadata: { a: 1 }
    })
    const plan = PlanRecordSchema.parse(p.body)
    expect(plan.plan_type).toBe('dag')
    const j = await t.api('POST', '/identity/job', {
      plan_id: plan.plan_id,
      job_type: 'tool_execution'
    })
    const job = JobRecordSchema.parse(j.body)
    const a = await t.api('POST', '/identity/attempt', { job_id: job.job_id, attempt_number: 1 })
    const attempt = AttemptRecordSchema.parse(a.body)
    const r = await t.api('POST', '/identity/resource', {
      attempt_id: attempt.attempt_id,
      resource_type: 'llm_token'
    })
    const resource = ResourceRecordSchema.parse(r.body)
    expect(isEntityId(resource.resource_uuid, 'resource')).toBe(true)

    for (const [type, id, body] of [
      ['mission', mission.mission_id, m.body],
      ['plan', plan.plan_id, p.body],
      ['job', job.job_id, j.body],
      ['attempt', attempt.attempt_id, a.body],
      ['resource', resource.resource_uuid, r.body]
    ] as const) {
      const got = await t.api('GET', `/identity/${type}/${id}`)
      expect(got.status).toBe(200)
      expect(got.body).toEqual(body)
    }
  })

  it('requires parents to exist (400 with the real wording)', async () => {
    const cases: Array<[string, unknown, string]> = [
      [
        '/identity/mission',
        { parent_mission_id: 'm_000000000000' },
        'Mission m_000000000000 not found'
      ],
      ['/identity/plan', { mission_id: 'm_000000000000' }, 'Mission m_000000000000 not found'],
      [
        '/identity/job',
        { plan_id: 'p_000000000000', job_type: 'llm_call' },
        'Plan p_000000000000 not found'
      ],
      [
        '/identity/attempt',
        { job_id: 'j_000000000000', attempt_number: 1 },
        'Job j_000000000000 not found'
      ],
      [
        '/identity/resource',
        { attempt_id: 'a_000000000000', resource_type: 'cpu_time' },
        'Attempt a_000000000000 not found'
      ]
    ]
    for (const [path, body, detail] of cases) {
      const res = await t.api('POST', path, body)
      expect(res.status, path).toBe(400)
      expect(res.body).toEqual({ detail })
    }
  })

  it('answers 404 for unknown ids on get and on trace (not 500)', async () => {
    const get = await t.api('GET', '/identity/job/j_0123456789ab')
    expect(get.status).toBe(404)
    expect(get.body).toEqual({ detail: 'Job j_0123456789ab not found' })
    const trace = await t.api('GET', '/identity/trace/attempt/a_0123456789ab')
    expect(trace.status).toBe(404)
    const badType = await t.api('GET', '/identity/trace/widget/x_1')
    expect(badType.status).toBe(400)
  })

  it('walks the trace chain upward for every entity type', async () => {
    const c = await createChain(t)
    const r = await t.api('POST', '/identity/resource', {
      attempt_id: c.attemptId,
      resource_type: 'api_call'
    })
    const expected = {
      mission: c.missionId,
      plan: c.planId,
      job: c.jobId,
      attempt: c.attemptId,
      resource: r.body.resource_uuid as string
    }
    const order = ['mission', 'plan', 'job', 'attempt', 'resource'] as const
    for (const [i, type] of order.entries()) {
      const res = await t.api('GET', `/identity/trace/${type}/${expected[type]}`)
      expect(res.status).toBe(200)
      const trace = TraceResponseSchema.parse(res.body)
      expect(trace.entity_type).toBe(type)
      for (const [k, level] of order.entries()) {
        const rec = trace.trace_chain[level] as Record<string, unknown> | null
        if (k <= i)
          expect(rec?.[level === 'resource' ? 'resource_uuid' : `${level}_id`]).toBe(
            expected[level]
          )
        else expect(rec).toBeNull()
      }
    }
  })

  it('lists missions, jobs and attempts with filters and cursors', async () => {
    const fresh = await startTestEngine()
    try {
      const chains = []
      for (let i = 0; i < 5; i++)
        chains.push(await createChain(fresh, i % 2 === 0 ? 'llm_call' : 'tool_execution'))
      await fresh.api('POST', `/lifecycle/mission/${chains[0]!.missionId}/transition`, {
        transition: 'create'
      })
      await fresh.api('POST', `/lifecycle/job/${chains[1]!.jobId}/transition`, {
        transition: 'create'
      })

      const seen: string[] = []
      let cursor: string | null = null
      do {
        const res = await fresh.api(
          'GET',
          `/identity/missions?limit=2${cursor ? `&cursor=${cursor}` : ''}`
        )
        expect(res.status).toBe(200)
        const page = MissionPageSchema.parse(res.body)
        expect(page.items.length).toBeLessThanOrEqual(2)
        seen.push(...page.items.map((m) => m.mission_id))
        cursor = page.next_cursor
      } while (cursor)
      expect(seen).toHaveLength(5)
      expect(new Set(seen).size).toBe(5)
      // Newest first.
      expect(seen[0]).toBe(chains[4]!.missionId)

      const pending = MissionPageSchema.parse(
        (await fresh.api('GET', '/identity/missions?state=pending')).body
      )
      expect(pending.items.map((m) => m.mission_id)).toEqual([chains[0]!.missionId])
      expect(pending.items[0]!.current_state).toBe('pending')

      const llm = JobPageSchema.parse(
        (await fresh.api('GET', '/identity/jobs?job_type=llm_call')).body
      )
      expect(llm.items).toHaveLength(3)
      expect(llm.items.every((j) => j.job_type === 'llm_call')).toBe(true)
      const pendingJobs = JobPageSchema.parse(
        (await fresh.api('GET', '/identity/jobs?state=pending')).body
      )
      expect(pendingJobs.items.map((j) => j.job_id)).toEqual([chains[1]!.jobId])

      const byJob = AttemptPageSchema.parse(
        (await fresh.api('GET', `/identity/attempts?job_id=${chains[2]!.jobId}`)).body
      )
      expect(byJob.items.map((a) => a.attempt_id)).toEqual([chains[2]!.attemptId])
      expect(byJob.items[0]!.current_state).toBeNull()

      const future = new Date(Date.now() + 3_600_000).toISOString()
      expect(
        MissionPageSchema.parse((await fresh.api('GET', `/identity/missions?since=${future}`)).body)
          .items
      ).toHaveLength(0)
      expect(
        MissionPageSchema.parse((await fresh.api('GET', `/identity/missions?until=${future}`)).body)
          .items
      ).toHaveLength(5)

      expect((await fresh.api('GET', '/identity/missions?limit=0')).status).toBe(422)
      expect((await fresh.api('GET', '/identity/missions?cursor=garbage')).status).toBe(400)
    } finally {
      await fresh.stop()
    }
  })

  it('returns the children of every level so a tree can be fetched downward', async () => {
    const c = await createChain(t)
    const a2 = await t.api('POST', '/identity/attempt', { job_id: c.jobId, attempt_number: 2 })
    await t.api('POST', '/identity/resource', {
      attempt_id: c.attemptId,
      resource_type: 'llm_token'
    })
    const mission = ChildrenResponseSchema.parse(
      (await t.api('GET', `/identity/children/mission/${c.missionId}`)).body
    )
    expect(mission.plans.map((p) => p.plan_id)).toEqual([c.planId])
    expect(mission.jobs.map((j) => j.job_id)).toEqual([c.jobId])
    expect(mission.attempts.map((a) => a.attempt_id)).toEqual([c.attemptId, a2.body.attempt_id])
    expect(mission.resources).toHaveLength(1)
    expect(mission.next_cursor).toBeNull()

    const job = ChildrenResponseSchema.parse(
      (await t.api('GET', `/identity/children/job/${c.jobId}`)).body
    )
    expect(job.plans).toEqual([])
    expect(job.attempts).toHaveLength(2)

    const paged = ChildrenResponseSchema.parse(
      (await t.api('GET', `/identity/children/job/${c.jobId}?limit=1`)).body
    )
    expect(paged.attempts).toHaveLength(1)
    expect(paged.next_cursor).not.toBeNull()
    const rest = ChildrenResponseSchema.parse(
      (await t.api('GET', `/identity/children/job/${c.jobId}?limit=1&cursor=${paged.next_cursor}`))
        .body
    )
    expect(rest.attempts.map((a) => a.attempt_id)).toEqual([a2.body.attempt_id])
    expect(rest.next_cursor).toBeNull()

    const plan = ChildrenResponseSchema.parse(
      (await t.api('GET', `/identity/children/plan/${c.planId}`)).body
    )
    expect([
      plan.plans.length,
      plan.jobs.length,
      plan.attempts.length,
      plan.resources.length
    ]).toEqual([0, 1, 2, 1])
    const attempt = ChildrenResponseSchema.parse(
      (await t.api('GET', `/identity/children/attempt/${c.attemptId}`)).body
    )
    expect([attempt.jobs.length, attempt.attempts.length, attempt.resources.length]).toEqual([
      0, 0, 1
    ])
    const leaf = ChildrenResponseSchema.parse(
      (await t.api('GET', `/identity/children/resource/${attempt.resources[0]!.resource_uuid}`))
        .body
    )
    expect([leaf.plans, leaf.jobs, leaf.attempts, leaf.resources]).toEqual([[], [], [], []])

    expect((await t.api('GET', '/identity/children/job/j_ffffffffffff')).status).toBe(404)
    expect((await t.api('GET', `/identity/children/widget/${c.jobId}`)).status).toBe(400)
  })
})

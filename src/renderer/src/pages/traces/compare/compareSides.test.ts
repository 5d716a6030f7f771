import { describe, expect, it } from 'vitest'
import { IncidentBundleSchema } from '../../../../../shared/console/bundle/schema'
import { sampleIncidentBundle } from '../../../../../shared/console/bundle/sample-bundle'
import type { TraceNode } from '../../../../../shared/console/domains/data'
import { bundleSide } from './compareSides'

const MISSION = 'm_00000000000a'
const PLAN = 'p_00000000000a'
const JOB = 'j_00000000000a'
const FIRST = 'a_00000000000a'
const SECOND = 'a_00000000000b'

/** Metrics of one entity: from and to in seconds after midnight of the sample's day. */
function metrics(
  id: string,
  [from, to]: [number, number],
  [tokens, cost]: [number, number],
  extra: object = {}
) {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()
  return {
    entity_id: id,
    entity_type: id.startsWith('a_') ? 'attempt' : 'job',
    started_at: at(from),
    completed_at: at(to),
    duration_ms: (to - from) * 1000,
    llm_tokens_consumed: tokens,
    cost_credits: cost,
    ...extra
  }
}

/** As agents report usage: on the attempts (0–2 s, failed, and 1–3 s). */
const ATTEMPTS = [
  metrics(FIRST, [0, 2], [120, 0.5], { success: false }),
  metrics(SECOND, [1, 3], [80, 0.25])
]

/** The sample bundle with a second attempt under its job, and the given metrics. */
function bundle(rows: object[]) {
  const parsed = IncidentBundleSchema.parse(sampleIncidentBundle({ metrics: rows as never }))
  const job = parsed.trace.root.children[0]!.children[0]!
  const first = job.children[0]!
  const second: TraceNode = {
    ...first,
    entityId: SECOND,
    record: { ...first.record, attempt_id: SECOND, attempt_number: 2 }
  }
  job.children.push(second)
  return parsed
}

describe('a bundle side of Compare', () => {
  const side = bundleSide(bundle(ATTEMPTS))
  const entry = (id: string) => side.entries.find((e) => e.id === id)

  it("sums a job's attempts and takes its wall clock, not the sum of their durations", () => {
    // Attempts ran 0–2 s and 1–3 s: the job took 3 s of wall clock (their durations add up to 4).
    expect(entry(JOB)).toMatchObject({ tokens: 200, cost: 0.75, durationMs: 3000, attempts: 2 })
  })

  it('gives a plan the sums of its jobs', () => {
    expect(entry(PLAN)).toMatchObject({ tokens: 200, cost: 0.75, durationMs: 3000 })
  })

  it("gives the mission's totals from its roll-up even when the mission reported nothing itself", () => {
    expect(side.missionId).toBe(MISSION)
    expect(side.mission).toEqual({ tokens: 200, cost: 0.75, durationMs: 3000 })
  })

  it('counts a job that sums its own subtree (our engine) once, not again with its attempts', () => {
    const engine = bundleSide(
      bundle([metrics(JOB, [0, 3], [200, 0.75], { includes_descendants: true }), ...ATTEMPTS])
    )
    expect(engine.entries.find((e) => e.id === JOB)).toMatchObject({ tokens: 200, cost: 0.75 })
    expect(engine.mission).toMatchObject({ tokens: 200, cost: 0.75 })
  })
})

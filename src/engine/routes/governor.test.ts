import { describe, expect, it } from 'vitest'
import {
  BUILTIN_GOVERNOR_RULES,
  DecisionListSchema,
  DecisionSchema,
  GovernorInfoSchema
} from '../../shared/neurorail'
import { GOVERNOR_RULES } from '../governor/rules'
import { suiteEngine } from '../testing/suite'

describe('governor routes', () => {
  const t = suiteEngine()

  it('keeps the engine rules in step with the shared description', () => {
    expect(GOVERNOR_RULES.map((r) => [r.id, r.mode])).toEqual(
      BUILTIN_GOVERNOR_RULES.map((r) => [r.rule, r.mode])
    )
  })

  it('decides with the four first-match rules, stores decisions and lists them newest first', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ job_type: 'llm_call', context: { environment: 'production' } }, 'rail', 'rule_0'],
      [{ job_type: 'tool_execution', context: { uses_personal_data: true } }, 'rail', 'rule_1'],
      [{ job_type: 'tool_execution', context: { environment: 'production' } }, 'rail', 'rule_2'],
      [{ job_type: 'tool_execution', context: { uses_personal_data: 'yes' } }, 'direct', 'rule_3']
    ]
    const ids: string[] = []
    for (const [body, mode, rule] of cases) {
      const res = await t.api('POST', '/governor/decide', body)
      expect(res.status).toBe(200)
      const d = DecisionSchema.parse(res.body)
      expect([d.mode, d.matched_rules]).toEqual([mode, [rule]])
      expect(d.evidence).toEqual(body.context)
      expect(d.decision_id).toMatch(/^dec_\d{14}_\d+$/)
      ids.push(d.decision_id)
    }
    expect(new Set(ids).size).toBe(4)
    expect((await t.api('POST', '/governor/decide', { context: {} })).status).toBe(422)
    expect(
      (await t.api('POST', '/governor/decide', { job_type: 'x', mission_id: 'bad' })).status
    ).toBe(422)

    const first = DecisionListSchema.parse((await t.api('GET', '/governor/decisions?limit=3')).body)
    expect(first.items.map((d) => d.decision_id)).toEqual(ids.slice().reverse().slice(0, 3))
    const rest = DecisionListSchema.parse(
      (await t.api('GET', `/governor/decisions?limit=3&cursor=${first.next_cursor}`)).body
    )
    expect(rest.items.map((d) => d.decision_id)).toEqual([ids[0]])
    expect(rest.next_cursor).toBeNull()

    const info = GovernorInfoSchema.parse((await t.api('GET', '/governor/info')).body)
    expect(info.enforcement_enabled).toBe(false)
    expect(info.active_manifest?.rule_count).toBe(4)
  })
})

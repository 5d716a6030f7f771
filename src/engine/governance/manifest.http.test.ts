import { describe, expect, it } from 'vitest'
import { DecisionSchema, GovernorInfoSchema } from '../../shared/neurorail'
import { startTestEngine } from '../testing/harness'
import { eachTestEngine } from '../testing/suite'
import { firstEvent, lifecycle } from './testing'

const VIEWER = 'viewer-token-1'

const TEAM = {
  name: 'team',
  version: '1',
  description: 'EU data is governed with a token cap; everything else runs direct',
  rules: [
    {
      id: 'eu',
      priority: 1,
      match: { job_type: 'llm_call', context: { region: 'eu' } },
      mode: 'rail',
      budget: { max_llm_tokens: 500, timeout_ms: 9000 }
    },
    { id: 'rest', priority: 2, mode: 'direct' }
  ]
}

/** Governor manifests (active + shadow) over real HTTP. */
describe('governor manifests over HTTP', () => {
  const t = eachTestEngine({ tokens: [{ token: VIEWER, role: 'viewer' }] })

  const decide = async (job_type: string, context: Record<string, unknown>) =>
    DecisionSchema.parse((await t.api('POST', '/governor/decide', { job_type, context })).body)

  it('validates, installs and decides with the active manifest instead of the built-in rules', async () => {
    const initial = (await t.api('GET', '/governor/manifests')).body
    expect(initial).toMatchObject({
      active: null,
      shadow: null,
      active_version: null,
      builtin: { name: 'default_phase1' }
    })
    expect(initial.manifests).toEqual([
      expect.objectContaining({ slot: 'builtin', active: true, rule_count: 4 })
    ])
    // Built-ins: llm_call is rail.
    expect((await decide('llm_call', {})).mode).toBe('rail')

    const invalid = await t.api('PUT', '/governor/manifests/active', {
      ...TEAM,
      rules: [{ id: 'x', mode: 'fast' }]
    })
    expect(invalid.status).toBe(422)
    expect(invalid.body.detail).toMatchObject({ code: 'NR-E111', category: 'system' })
    expect(invalid.body.detail.details.issues[0].loc).toEqual(['body', 'rules', 0, 'mode'])
    const conflict = await t.api('PUT', '/governor/manifests/active', {
      ...TEAM,
      rules: TEAM.rules.map((r) => ({ ...r, priority: 1 }))
    })
    expect(conflict.status).toBe(409)
    expect(conflict.body.detail.code).toBe('NR-E114')
    expect((await t.api('PUT', '/governor/manifests/active', TEAM, { token: VIEWER })).status).toBe(
      403
    )
    expect((await t.api('PUT', '/governor/manifests/other', TEAM)).status).toBe(422)

    const put = await t.api('PUT', '/governor/manifests/active', TEAM)
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({
      manifest: { name: 'team', version: '1' },
      installed_by: 'admin'
    })
    const eu = await decide('llm_call', { region: 'eu' })
    expect(eu).toMatchObject({ mode: 'rail', matched_rules: ['eu'] })
    // The manifest replaced rule_0: llm_call outside the EU now runs direct.
    expect(await decide('llm_call', { region: 'us' })).toMatchObject({
      mode: 'direct',
      matched_rules: ['rest']
    })
    const info = GovernorInfoSchema.parse((await t.api('GET', '/governor/info')).body)
    expect(info.active_manifest).toMatchObject({ name: 'team', version: '1', rule_count: 2 })

    // Same name and version with other content is refused; identical content is idempotent.
    const reused = await t.api('PUT', '/governor/manifests/active', {
      ...TEAM,
      description: 'changed'
    })
    expect(reused.status).toBe(409)
    expect(reused.body.detail.code).toBe('NR-E113')
    expect((await t.api('PUT', '/governor/manifests/active', TEAM)).status).toBe(200)

    // Jobs get their budget from the matching rule; job metadata still wins where it speaks.
    const l = lifecycle(t)
    const { jobId } = await l.runningJob('llm_call', {
      context: { region: 'eu' },
      budget: { timeout_ms: 1000 }
    })
    const budget = (await t.api('GET', `/budget/jobs/${jobId}`)).body
    expect(budget).toMatchObject({
      source: 'metadata',
      rule_id: 'eu',
      manifest_version: 'team@1',
      budget: { max_llm_tokens: 500, timeout_ms: 1000 }
    })
    const plain = await l.runningJob('llm_call', { context: { region: 'eu' } })
    expect((await t.api('GET', `/budget/jobs/${plain.jobId}`)).body).toMatchObject({
      source: 'manifest',
      budget: { timeout_ms: 9000 }
    })

    expect((await firstEvent(t, 'governor', 'manifest_installed'))?.data).toMatchObject({
      slot: 'active',
      name: 'team',
      version: '1',
      rule_count: 2
    })

    // Clearing the slot brings the built-in rules back.
    expect((await t.api('DELETE', '/governor/manifests/active')).status).toBe(200)
    expect(await decide('llm_call', { region: 'us' })).toMatchObject({
      mode: 'rail',
      matched_rules: ['rule_0']
    })
  })

  it('evaluates the shadow manifest beside the active one and records disagreements', async () => {
    await t.api('PUT', '/governor/manifests/active', TEAM)
    const shadow = { name: 'strict', version: '2', rules: [{ id: 'all-rail', mode: 'rail' }] }
    expect((await t.api('PUT', '/governor/manifests/shadow', shadow)).status).toBe(200)
    const view = (await t.api('GET', '/governor/manifests')).body
    expect(view).toMatchObject({ active_version: '1', shadow_version: '2' })
    expect(view.manifests.map((m: { slot: string }) => m.slot)).toEqual(['active', 'shadow'])
    expect(
      GovernorInfoSchema.parse((await t.api('GET', '/governor/info')).body).shadow_manifest
    ).toEqual({ enabled: true, version: '2' })

    const d1 = await decide('tool_execution', {})
    expect(d1.mode).toBe('direct')
    const l = lifecycle(t)
    const { jobId } = await l.runningJob('llm_call', { context: { region: 'eu' } })

    const page = (await t.api('GET', '/governor/shadow/disagreements')).body
    expect(page.items).toHaveLength(2)
    const [job, decision] = page.items
    expect(decision).toMatchObject({
      source: 'decide',
      decision_id: d1.decision_id,
      job_type: 'tool_execution',
      fields: ['mode'],
      active: { mode: 'direct', rule_id: 'rest' },
      shadow: { mode: 'rail', rule_id: 'all-rail' }
    })
    // For the EU job both say rail, but only the active rule carries a budget.
    expect(job).toMatchObject({
      source: 'job',
      job_id: jobId,
      fields: ['budget'],
      context: { region: 'eu' }
    })
    expect((await t.api('GET', '/governor/manifests')).body.disagreement_count).toBe(2)
    expect((await firstEvent(t, 'governor', 'shadow_disagreement'))?.data).toMatchObject({
      active_mode: 'direct',
      shadow_mode: 'rail'
    })
    expect(
      (await t.api('GET', '/governor/shadow/disagreements?limit=1')).body.next_cursor
    ).not.toBeNull()
  })

  it('promotes the shadow manifest (NR-E133 when already active, NR-E134 without a shadow)', async () => {
    const none = await t.api('POST', '/governor/shadow/promote', {})
    expect(none.status).toBe(409)
    expect(none.body.detail.code).toBe('NR-E134')
    await t.api('PUT', '/governor/manifests/shadow', TEAM)
    const promoted = await t.api('POST', '/governor/shadow/promote', {})
    expect(promoted.status).toBe(200)
    expect((await t.api('GET', '/governor/manifests')).body).toMatchObject({
      active_version: '1',
      shadow_version: '1'
    })
    expect((await t.api('POST', '/governor/shadow/promote', {})).body.detail.code).toBe('NR-E133')
    const history = (await t.api('GET', '/governor/manifests')).body.history
    expect(history.map((h: { slot: string }) => h.slot)).toEqual(['active', 'shadow'])
  })

  it('survives a restart with its manifests', async () => {
    await t.api('PUT', '/governor/manifests/active', TEAM)
    const dir = t.dir
    await t.engine.close()
    const again = await startTestEngine({ dir })
    try {
      const d = (await again.api('POST', '/governor/decide', { job_type: 'llm_call', context: {} }))
        .body
      expect(d).toMatchObject({ mode: 'direct', matched_rules: ['rest'] })
    } finally {
      await again.engine.close()
    }
  })
})

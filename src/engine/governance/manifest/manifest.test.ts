import { describe, expect, it } from 'vitest'
import { disagreement, evaluateManifest } from './evaluate'
import { BUILTIN_MANIFEST, findConflicts, ManifestSchema } from './schema'

const manifest = ManifestSchema.parse({
  name: 'team',
  version: '2',
  default_mode: 'direct',
  rules: [
    { id: 'late', mode: 'direct', match: { job_type: 'llm_call' } },
    {
      id: 'eu-pii',
      priority: 1,
      mode: 'rail',
      match: {
        job_type: ['llm_call', 'tool_execution'],
        context: { 'user.region': { in: ['eu', 'uk'] }, pii: true }
      },
      budget: { max_llm_tokens: 1000, timeout_ms: 5000 }
    },
    {
      id: 'big',
      priority: 2,
      mode: 'rail',
      match: { context: { cost: { gte: 10 }, flag: { exists: false } } }
    }
  ]
})

describe('manifest evaluation', () => {
  it('orders by priority, then list order; first match wins', () => {
    const v = evaluateManifest(manifest, {
      job_type: 'llm_call',
      context: { user: { region: 'eu' }, pii: true }
    })
    expect(v).toMatchObject({ mode: 'rail', rule_id: 'eu-pii', budget: { max_llm_tokens: 1000 } })
    expect(
      evaluateManifest(manifest, {
        job_type: 'llm_call',
        context: { user: { region: 'us' }, pii: true }
      }).rule_id
    ).toBe('late')
  })

  it('supports numeric bounds and presence', () => {
    expect(evaluateManifest(manifest, { job_type: 'x', context: { cost: 10 } }).rule_id).toBe('big')
    expect(
      evaluateManifest(manifest, { job_type: 'x', context: { cost: 10, flag: 1 } }).rule_id
    ).toBeNull()
    expect(
      evaluateManifest(manifest, { job_type: 'x', context: { cost: '10' } }).rule_id
    ).toBeNull()
  })

  it('falls back to default_mode with an NR-E120 reason', () => {
    const v = evaluateManifest(manifest, { job_type: 'x', context: {} })
    expect(v.mode).toBe('direct')
    expect(v.reason).toContain('NR-E120')
  })

  it('the built-in manifest reproduces the four BRAiN rules', () => {
    const decide = (job_type: string, context: Record<string, unknown>) => {
      const v = evaluateManifest(BUILTIN_MANIFEST, { job_type, context })
      return [v.rule_id, v.mode]
    }
    expect(decide('llm_call', {})).toEqual(['rule_0', 'rail'])
    expect(decide('tool_execution', { uses_personal_data: true })).toEqual(['rule_1', 'rail'])
    expect(decide('tool_execution', { uses_personal_data: 'yes' })).toEqual(['rule_3', 'direct'])
    expect(decide('tool_execution', { environment: 'production' })).toEqual(['rule_2', 'rail'])
    expect(decide('tool_execution', {})).toEqual(['rule_3', 'direct'])
  })

  it('reports disagreements on mode and budget', () => {
    const a = evaluateManifest(manifest, {
      job_type: 'llm_call',
      context: { user: { region: 'eu' }, pii: true }
    })
    const b = evaluateManifest(BUILTIN_MANIFEST, { job_type: 'llm_call', context: {} })
    expect(disagreement(a, b)).toEqual(['budget'])
    expect(disagreement(a, a)).toEqual([])
    const c = evaluateManifest(BUILTIN_MANIFEST, { job_type: 'x', context: {} })
    expect(disagreement(a, c)).toEqual(['mode', 'budget'])
  })
})

describe('manifest validation', () => {
  it('rejects unknown fields, bad budgets and empty condition objects', () => {
    expect(ManifestSchema.safeParse({ name: 'a', version: '1', rules: [], extra: 1 }).success).toBe(
      false
    )
    const rule = (r: object) =>
      ManifestSchema.safeParse({
        name: 'a',
        version: '1',
        rules: [{ id: 'r', mode: 'rail', ...r }]
      })
    expect(rule({ budget: { max_retries: 99 } }).success).toBe(false)
    expect(rule({ match: { context: { a: {} } } }).success).toBe(false)
    expect(rule({ mode: 'fast' }).success).toBe(false)
    expect(rule({}).success).toBe(true)
  })

  it('finds duplicate ids and priorities', () => {
    const m = ManifestSchema.parse({
      name: 'a',
      version: '1',
      rules: [
        { id: 'r1', priority: 1, mode: 'rail' },
        { id: 'r2', priority: 1, mode: 'rail' },
        { id: 'r2', mode: 'direct' }
      ]
    })
    expect(findConflicts(m)).toEqual([
      { kind: 'duplicate_rule_id', value: 'r2', rules: ['r2'] },
      { kind: 'duplicate_priority', value: 1, rules: ['r1', 'r2'] }
    ])
    expect(findConflicts(BUILTIN_MANIFEST)).toEqual([])
  })
})

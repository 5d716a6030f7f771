import { describe, expect, it } from 'vitest'
import { sampleIncidentBundle } from './sample-bundle'
import { redact, redactableKeys, REMOVED_SECRET, REMOVED_VALUE } from './redact'
import {
  MAX_BUNDLE_BYTES,
  MAX_BUNDLE_DEPTH,
  MAX_BUNDLE_NODES,
  parseIncidentBundle,
  readIncidentBundleText
} from './schema'

const NONE = { allTags: false, tagKeys: [], detailKeys: [] }

describe('incident bundle schema: an imported file is hostile input', () => {
  it('reads a valid bundle', () => {
    const read = readIncidentBundleText(JSON.stringify(sampleIncidentBundle()))
    expect(read.ok).toBe(true)
  })

  it('refuses another format or version with a sentence naming it', () => {
    expect(parseIncidentBundle({ hello: 1 })).toEqual({
      ok: false,
      message: 'This file is not a ControlDeck incident bundle.'
    })
    const newer = parseIncidentBundle({ ...sampleIncidentBundle(), version: 2 })
    expect(newer).toEqual({
      ok: false,
      message: 'This incident bundle has version 2; this ControlDeck reads version 1 only.'
    })
  })

  it('refuses a file over the size cap before parsing it', () => {
    const read = readIncidentBundleText(' '.repeat(MAX_BUNDLE_BYTES + 1))
    expect(read.ok).toBe(false)
    if (!read.ok) expect(read.message).toContain('larger than')
    // Multi-byte text: under the cap in characters, over it in bytes.
    const wide = readIncidentBundleText(`"${'é'.repeat(MAX_BUNDLE_BYTES / 2 + 10)}"`)
    expect(wide.ok).toBe(false)
  })

  it('refuses nesting deeper than the cap without building it', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const read = readIncidentBundleText(deep.slice(0, MAX_BUNDLE_BYTES))
    expect(read.ok).toBe(false)
    if (!read.ok) expect(read.message).toContain(`deeper than ${MAX_BUNDLE_DEPTH}`)
  })

  it('refuses too many rows and too many trace nodes', () => {
    const rows = parseIncidentBundle(
      sampleIncidentBundle({ reflexActions: Array.from({ length: 5_001 }, () => ({})) as never })
    )
    expect(rows.ok).toBe(false)
    const bundle = sampleIncidentBundle()
    const root = bundle.trace.root as unknown as { children: unknown[] }
    const leaf = (n: number) => ({
      entityType: 'plan',
      entityId: `p_${n.toString(16).padStart(12, '0')}`,
      record: {
        plan_id: `p_${n.toString(16).padStart(12, '0')}`,
        mission_id: 'm_00000000000a',
        created_at: '2026-01-01T00:00:00Z'
      },
      state: null,
      children: [],
      childCount: 0,
      nextCursor: null
    })
    root.children = Array.from({ length: MAX_BUNDLE_NODES }, (_, n) => leaf(n))
    const nodes = parseIncidentBundle(bundle)
    expect(nodes.ok).toBe(false)
    if (!nodes.ok) expect(nodes.message).toContain(`at most ${MAX_BUNDLE_NODES} entities`)
  })

  it('refuses damaged rows and says where', () => {
    const read = parseIncidentBundle(sampleIncidentBundle({ missionId: 'not-an-id' }))
    expect(read.ok).toBe(false)
    if (!read.ok) expect(read.message).toContain('missionId')
  })
})

describe('redaction', () => {
  it('always removes secrets: secret-named keys and secret-looking text, never counts', () => {
    const input = {
      tags: { api_token: 'abc', password: 'p4ss', team: 'ops' },
      details: {
        authorization: 'Bearer abcdefghijk123',
        note: 'sent Authorization: Bearer abcdefghijk123',
        llm_tokens: 1500
      },
      message: 'jwt eyJhbGciOi.eyJzdWIiOiIx.sig and url https://bob:hunter2@example.com/x'
    }
    const { value, removed, counts } = redact(input, NONE)
    expect(value.tags).toEqual({ api_token: REMOVED_SECRET, password: REMOVED_SECRET, team: 'ops' })
    expect(value.details.authorization).toBe(REMOVED_SECRET)
    expect(value.details.llm_tokens).toBe(1500)
    expect(JSON.stringify(value)).not.toMatch(/abcdefghijk123|p4ss|hunter2|eyJhbGciOi/)
    expect(counts.secret).toBe(5)
    expect(removed.every((r) => r.preview === '(hidden)')).toBe(true)
  })

  it('keeps a `__proto__` key as data: it is written out, with its secrets removed', () => {
    const value = JSON.parse('{"details":{"__proto__":{"api_key":"sk-x","note":"hi"},"a":1}}')
    const { value: out, counts } = redact(value, NONE)
    expect(JSON.parse(JSON.stringify(out))).toEqual(
      JSON.parse(`{"details":{"__proto__":{"api_key":"${REMOVED_SECRET}","note":"hi"},"a":1}}`)
    )
    expect(Object.getPrototypeOf(out.details)).toBe(Object.prototype)
    expect(counts.secret).toBe(1)
  })

  it('removes the chosen tags and detail keys and previews what goes', () => {
    const input = {
      record: { tags: { customer: 'acme', team: 'ops' } },
      audit: [{ details: { prompt: 'hello', tool: 'x' }, metadata: { prompt: 'again' } }]
    }
    const { value, removed } = redact(input, {
      allTags: false,
      tagKeys: ['customer'],
      detailKeys: ['prompt']
    })
    expect(value.record.tags).toEqual({ customer: REMOVED_VALUE, team: 'ops' })
    expect(value.audit[0]!.details).toEqual({ prompt: REMOVED_VALUE, tool: 'x' })
    expect(removed).toEqual([
      { path: 'record.tags.customer', reason: 'tag', preview: 'acme' },
      { path: 'audit[0].details.prompt', reason: 'detail', preview: 'hello' },
      { path: 'audit[0].metadata.prompt', reason: 'detail', preview: 'again' }
    ])
    expect(redact(input, { ...NONE, allTags: true }).value.record.tags).toEqual({
      customer: REMOVED_VALUE,
      team: REMOVED_VALUE
    })
  })

  it('does not touch a key named like a detail key outside details', () => {
    const { value } = redact(
      { prompt: 'top', details: { prompt: 'inner' } },
      { ...NONE, detailKeys: ['prompt'] }
    )
    expect(value).toEqual({ prompt: 'top', details: { prompt: REMOVED_VALUE } })
  })

  it('offers the tag and detail keys present, secrets left out', () => {
    const keys = redactableKeys({
      tags: { b: '1', a: '2', token: 'x' },
      details: { prompt: 1, nested: { deep: 2 } }
    })
    expect(keys).toEqual({ tagKeys: ['a', 'b'], detailKeys: ['deep', 'nested', 'prompt'] })
  })
})

import { describe, expect, it } from 'vitest'
import { deepLinkToHash, hashToDeepLink } from './deepLink'
import { formatAge, formatCount, formatDuration, formatPercent } from '../format/format'
import { wrapFocusTarget } from '../hooks/modalFocus'
import { hrefFor, parseHash } from './router'

describe('parseHash', () => {
  it('reads page, segments and query', () => {
    const r = parseHash('#/traces/j_0123456789ab?state=running')
    expect(r.page).toBe('traces')
    expect(r.rest).toEqual(['j_0123456789ab'])
    expect(r.query.get('state')).toBe('running')
  })

  it('falls back to overview for unknown or empty hashes', () => {
    expect(parseHash('').page).toBe('overview')
    expect(parseHash('#/nowhere/x').page).toBe('overview')
    expect(parseHash('#/nowhere/x').rest).toEqual([])
  })

  it('round-trips hrefFor', () => {
    const href = hrefFor('audit', [], { severity: 'error', text: 'a b&c', mission: undefined })
    const r = parseHash(href)
    expect(r.page).toBe('audit')
    expect(r.query.get('text')).toBe('a b&c')
    expect(r.query.has('mission')).toBe(false)
  })
})

describe('deepLinkToHash', () => {
  it('maps controldeck://trace/<id> to the trace page', () => {
    expect(deepLinkToHash('controldeck://trace/m_0123456789ab')).toBe('#/traces/m_0123456789ab')
    expect(deepLinkToHash('/trace/a_00000000000f/')).toBe('#/traces/a_00000000000f')
  })

  it('maps page names and refuses what it cannot show', () => {
    expect(deepLinkToHash('controldeck://audit')).toBe('#/audit')
    expect(deepLinkToHash('controldeck://trace/not-an-id')).toBeNull()
    expect(deepLinkToHash('controldeck://settings')).toBeNull()
    expect(deepLinkToHash('')).toBeNull()
  })

  it('keeps a shared list view and a page query, and round-trips with hashToDeepLink', () => {
    const hash = '#/traces?kind=jobs&sort=cost&dir=desc&q=llm+call'
    expect(hashToDeepLink(hash)).toBe(
      'controldeck://traces?kind=jobs&sort=cost&dir=desc&q=llm+call'
    )
    expect(deepLinkToHash(hashToDeepLink(hash))).toBe(hash)
    expect(deepLinkToHash('traces?kind=jobs&q=llm%20call')).toBe('#/traces?kind=jobs&q=llm+call')
    expect(deepLinkToHash('controldeck://audit?severity=error')).toBe('#/audit?severity=error')
    expect(deepLinkToHash('controldeck://trace?kind=jobs')).toBeNull()
  })
})

describe('format', () => {
  it('words ages for people', () => {
    expect(formatAge(200)).toBe('just now')
    expect(formatAge(42_000)).toBe('42 s')
    expect(formatAge(3 * 60_000)).toBe('3 min')
    expect(formatAge(5 * 3_600_000)).toBe('5 h')
    expect(formatAge(null)).toBe('unknown')
  })

  it('formats counts, percentages and durations', () => {
    expect(formatCount(12345)).toBe('12,345')
    expect(formatCount(undefined)).toBe('–')
    expect(formatPercent(0.125)).toBe('12.5 %')
    expect(formatDuration(830)).toBe('830 ms')
    expect(formatDuration(4200)).toBe('4.2 s')
  })
})

describe('paletteShortcut', () => {
  it('reads ⌘K only on macOS', async () => {
    const { isMacPlatform, paletteShortcut } = await import('../app/platform')
    expect(isMacPlatform({ platform: 'MacIntel' })).toBe(true)
    expect(isMacPlatform({ platform: 'Linux x86_64' })).toBe(false)
    expect(isMacPlatform({ userAgentData: { platform: 'Windows' }, platform: '' })).toBe(false)
    expect(paletteShortcut(false)).toBe('Ctrl+K')
    expect(paletteShortcut(true)).toBe('⌘K')
  })
})

describe('wrapFocusTarget', () => {
  const items = ['cancel', 'confirm']
  it('wraps Tab from the last control to the first and Shift+Tab from the first to the last', () => {
    expect(wrapFocusTarget(items, 'confirm', false)).toBe('cancel')
    expect(wrapFocusTarget(items, 'cancel', true)).toBe('confirm')
  })
  it('leaves moves inside the dialog to the browser', () => {
    expect(wrapFocusTarget(items, 'cancel', false)).toBeNull()
    expect(wrapFocusTarget(items, 'confirm', true)).toBeNull()
  })
  it('pulls focus that escaped the dialog back in, and keeps a lone control focused', () => {
    expect(wrapFocusTarget(items, 'page-behind', false)).toBe('cancel')
    expect(wrapFocusTarget(items, null, true)).toBe('confirm')
    expect(wrapFocusTarget(['input'], 'input', false)).toBe('input')
    expect(wrapFocusTarget([], 'x', false)).toBeNull()
  })
})

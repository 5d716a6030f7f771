import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { Modal } from './Modal'
import { entityTypeOfId } from '../../../shared/neurorail/ids'
import { useStore } from '../store'
import { deepLinkToHash } from '../lib/nav/deepLink'
import { PAGE_INFO } from '../lib/nav/pages'
import { hrefFor, navigate, PAGES, traceHref } from '../lib/nav/router'
import type { SuggestResult } from '../../../shared/console/domains/data'
import { api } from '../lib/transport/api'
import { exportEnvironments, switchEnvironmentTo } from '../lib/actions/environmentActions'

/** A palette entry: a place to go (`hash`) or something to do (`run`). */
export interface Entry {
  key: string
  label: string
  hash?: string
  run?: () => unknown
}

/** An action the palette offers when the query matches its label (switch environment, pause live…). */
export interface PaletteAction {
  key: string
  label: string
  run: () => unknown
}

/**
 * Builds the palette's entries for a query: an id or deep link first, then cached ids and job
 * types completing it, matching pages, matching actions, and last an audit search.
 */
export function paletteEntries(
  query: string,
  suggestions: SuggestResult | null = null,
  actions: readonly PaletteAction[] = []
): Entry[] {
  const q = query.trim()
  const out: Entry[] = []
  const type = entityTypeOfId(q)
  if (type) out.push({ key: `id:${q}`, label: `Open trace of ${type} ${q}`, hash: traceHref(q) })
  const link = q.startsWith('controldeck://') ? deepLinkToHash(q) : null
  if (link) out.push({ key: `link:${q}`, label: `Open ${q}`, hash: link })
  for (const e of suggestions?.entities ?? []) {
    if (e.entityId === q) continue
    const about = [e.hint, e.state].filter(Boolean).join(', ')
    out.push({
      key: `id:${e.entityId}`,
      label: `Open trace of ${e.entityType} ${e.entityId}${about ? ` (${about})` : ''}`,
      hash: traceHref(e.entityId)
    })
  }
  for (const t of suggestions?.jobTypes ?? []) {
    out.push({
      key: `jobtype:${t}`,
      label: `Jobs of type ${t}`,
      hash: hrefFor('traces', [], { kind: 'jobs', jobType: t })
    })
  }
  const lower = q.toLowerCase()
  for (const page of PAGES) {
    const info = PAGE_INFO[page]
    if (
      !lower ||
      info.label.toLowerCase().includes(lower) ||
      info.purpose.toLowerCase().includes(lower)
    )
      out.push({
        key: `page:${page}`,
        label: `${info.label} — ${info.purpose}`,
        hash: hrefFor(page)
      })
  }
  const words = lower.split(/\s+/).filter(Boolean)
  for (const a of actions) {
    if (words.length > 0 && words.every((w) => a.label.toLowerCase().includes(w)))
      out.push({ key: `action:${a.key}`, label: a.label, run: a.run })
  }
  if (q && !type && !link)
    out.push({
      key: 'audit',
      label: `Search the audit log for “${q}”`,
      hash: hrefFor('audit', [], { text: q })
    })
  return out
}

/** The actions of the palette for the current state: each environment to switch to, live pause, export. */
function usePaletteActions(): PaletteAction[] {
  const environments = useStore((s) => s.environments)
  const activeId = useStore((s) => s.activeEnvironmentId)
  const paused = useStore((s) => s.paused)
  return useMemo(() => {
    const out: PaletteAction[] = environments
      .filter((e) => e.id !== activeId)
      .map((e) => ({
        key: `env:${e.id}`,
        label: `Switch environment to ${e.name}`,
        run: () => switchEnvironmentTo(e.id)
      }))
    out.push({
      key: 'live',
      label: paused ? 'Resume live updates' : 'Pause live updates',
      run: () => useStore.getState().setPaused(!paused)
    })
    out.push({
      key: 'export-envs',
      label: 'Export environments (JSON, no credentials)',
      run: () => exportEnvironments()
    })
    return out
  }, [environments, activeId, paused])
}

/** Asks the cache for completions of `query` (ids from `m_`, job types), newest query wins. */
function useSuggestions(query: string): SuggestResult | null {
  const [state, setState] = useState<{ query: string; result: SuggestResult } | null>(null)
  useEffect(() => {
    const text = query.trim()
    if (text.length < 2) return
    let live = true
    const timer = setTimeout(() => {
      api()
        .suggest({ text: text.slice(0, 200), limit: 8 })
        .then((result) => live && setState({ query, result }))
        .catch(() => undefined)
    }, 60)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [query])
  return state && state.query === query ? state.result : null
}

/** Ctrl/Cmd+K: jump to a page, an entity id or a controldeck:// link. */
export function CommandPalette() {
  const open = useStore((s) => s.paletteOpen)
  const setOpen = useStore((s) => s.setPaletteOpen)

  useEffect(() => {
    function onKey(e: globalThis.KeyboardEvent) {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault()
        setOpen(!useStore.getState().paletteOpen)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [setOpen])

  if (!open) return null
  return <PaletteDialog onClose={() => setOpen(false)} />
}

function PaletteDialog({ onClose }: { onClose: () => void }) {
  const [query, setQuery] = useState('')
  const [selected, setSelected] = useState(0)
  const input = useRef<HTMLInputElement>(null)
  const suggestions = useSuggestions(query)
  const actions = usePaletteActions()
  const entries = useMemo(
    () => paletteEntries(query, suggestions, actions),
    [query, suggestions, actions]
  )
  const index = Math.min(selected, Math.max(0, entries.length - 1))

  function go(entry: Entry | undefined) {
    if (!entry) return
    if (entry.hash) navigate(entry.hash)
    else void Promise.resolve(entry.run?.()).catch(() => undefined)
    onClose()
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'ArrowDown') {
      e.preventDefault()
      setSelected((index + 1) % Math.max(entries.length, 1))
    } else if (e.key === 'ArrowUp') {
      e.preventDefault()
      setSelected((index - 1 + entries.length) % Math.max(entries.length, 1))
    } else if (e.key === 'Enter') go(entries[index])
  }

  return (
    <Modal
      className="palette"
      label="Command palette"
      initialFocus={input}
      onClose={onClose}
      onKeyDown={onKeyDown}
      portal={false}
    >
      <input
        ref={input}
        data-testid="palette-input"
        aria-label="Page name, entity id (m_, p_, j_, a_, r_) or controldeck:// link"
        placeholder="Go to a page, or paste an id such as j_0123456789ab"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value)
          setSelected(0)
        }}
        role="combobox"
        aria-expanded="true"
        aria-controls="palette-list"
        aria-activedescendant={entries[index] ? `palette-${index}` : undefined}
      />
      <ul id="palette-list" role="listbox">
        {entries.map((entry, i) => (
          <li
            key={entry.key}
            id={`palette-${i}`}
            role="option"
            aria-selected={i === index}
            onMouseEnter={() => setSelected(i)}
            onClick={() => go(entry)}
          >
            {entry.label}
          </li>
        ))}
      </ul>
    </Modal>
  )
}

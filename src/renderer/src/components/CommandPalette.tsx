import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { useModalFocus } from '../lib/modalFocus'
import { entityTypeOfId } from '../../../shared/neurorail/ids'
import { useStore } from '../store'
import { deepLinkToHash } from '../lib/deepLink'
import { PAGE_INFO } from '../lib/pages'
import { hrefFor, navigate, PAGES, traceHref } from '../lib/router'

interface Entry {
  key: string
  label: string
  hash: string
}

/** Builds the palette's entries for a query: an id or deep link first, then matching pages. */
export function paletteEntries(query: string): Entry[] {
  const q = query.trim()
  const out: Entry[] = []
  const type = entityTypeOfId(q)
  if (type) out.push({ key: `id:${q}`, label: `Open trace of ${type} ${q}`, hash: traceHref(q) })
  const link = q.startsWith('controldeck://') ? deepLinkToHash(q) : null
  if (link) out.push({ key: `link:${q}`, label: `Open ${q}`, hash: link })
  const lower = q.toLowerCase()
  for (const page of PAGES) {
    const info = PAGE_INFO[page]
    if (!lower || info.label.toLowerCase().includes(lower) || info.purpose.toLowerCase().includes(lower))
      out.push({ key: `page:${page}`, label: `${info.label} — ${info.purpose}`, hash: hrefFor(page) })
  }
  if (q && !type && !link) out.push({ key: 'audit', label: `Search the audit log for “${q}”`, hash: hrefFor('audit', [], { text: q }) })
  return out
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
  const dialog = useRef<HTMLDivElement>(null)
  const trapTab = useModalFocus(dialog, input)
  const entries = useMemo(() => paletteEntries(query), [query])
  const index = Math.min(selected, Math.max(0, entries.length - 1))

  function go(entry: Entry | undefined) {
    if (!entry) return
    navigate(entry.hash)
    onClose()
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') onClose()
    else if (e.key === 'ArrowDown') {
      e.preventDefault()
      setSelected((index + 1) % Math.max(entries.length, 1))
    } else if (e.key === 'ArrowUp') {
      e.preventDefault()
      setSelected((index - 1 + entries.length) % Math.max(entries.length, 1))
    } else if (e.key === 'Enter') go(entries[index])
    else trapTab(e)
  }

  return (
    <div className="backdrop" onMouseDown={onClose}>
      <div
        ref={dialog}
        className="dialog palette"
        role="dialog"
        aria-modal="true"
        aria-label="Command palette"
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={onKeyDown}
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
      </div>
    </div>
  )
}

import { useState, type FormEvent } from 'react'
import { TextField } from '../../components/Field'
import { hashToDeepLink } from '../../lib/nav/deepLink'
import {
  deleteView,
  loadViews,
  MAX_VIEW_NAME,
  saveView,
  type SavedView
} from '../../lib/nav/savedViews'

/** Named views of the lists (kept on this machine) and the current view as a shareable link. */
export function SavedViews({ hash }: { hash: string }) {
  const [views, setViews] = useState<SavedView[]>(() => loadViews())
  const [name, setName] = useState('')
  const [message, setMessage] = useState<string | null>(null)
  const link = hashToDeepLink(hash)

  function save(e: FormEvent) {
    e.preventDefault()
    const result = saveView(name, hash)
    if (typeof result === 'string') setMessage(result)
    else {
      setViews(result)
      setMessage(`Saved “${name.trim()}”.`)
      setName('')
    }
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(link)
      setMessage('Link copied.')
    } catch {
      setMessage('The clipboard is not available here: select the link and copy it.')
    }
  }

  return (
    <div className="views" role="group" aria-label="Views">
      <form className="row" onSubmit={save} aria-label="Save this view">
        <TextField
          id="view-name"
          label="View name"
          hideLabel
          value={name}
          onChange={setName}
          placeholder="Name this view"
          maxLength={MAX_VIEW_NAME}
          data-testid="view-name"
        />
        <button type="submit">Save view</button>
      </form>
      {views.length > 0 && (
        <nav aria-label="Saved views" className="row">
          {views.map((v) => (
            <span key={v.name} className="row" style={{ gap: 2 }}>
              <a href={v.hash} aria-current={v.hash === hash ? 'page' : undefined}>
                {v.name}
              </a>
              <button
                type="button"
                className="link"
                aria-label={`Delete view ${v.name}`}
                onClick={() => setViews(deleteView(v.name))}
              >
                ×
              </button>
            </span>
          ))}
        </nav>
      )}
      <label htmlFor="view-link" className="visually-hidden">
        Link to this view
      </label>
      <input
        id="view-link"
        readOnly
        value={link}
        size={36}
        className="mono"
        data-testid="view-link"
        onFocus={(e) => e.target.select()}
      />
      <button type="button" onClick={() => void copy()}>
        Copy link
      </button>
      {message && (
        <span className="muted" role="status">
          {message}
        </span>
      )}
    </div>
  )
}

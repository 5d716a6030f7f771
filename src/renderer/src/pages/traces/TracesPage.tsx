import { useState, type FormEvent } from 'react'
import { entityTypeOfId } from '../../../../shared/neurorail/ids'
import { TextField } from '../../components/Field'
import { Page } from '../../components/Page'
import { navigate, traceHref, type Route } from '../../lib/nav/router'
import { EntityLists } from './EntityLists'
import { TraceView } from './TraceView'

/** Trace explorer: look up an id (or follow a deep link) and browse missions, jobs and attempts. */
export function TracesPage({ route }: { route: Route }) {
  const id = route.rest[0] ?? ''
  return (
    <Page
      title="Traces"
      head={
        <>
          <Lookup key={id} initial={id} />
          {id && <a href="#/traces">Back to lists</a>}
        </>
      }
    >
      {id ? (
        entityTypeOfId(id) ? (
          <TraceView key={id} entityId={id} />
        ) : (
          <p className="notice tone-warn" role="alert">
            “{id}” is not an entity id. Ids start with m_, p_, j_, a_ or r_ followed by 12 hex
            characters.
          </p>
        )
      ) : (
        <EntityLists route={route} />
      )}
    </Page>
  )
}

function Lookup({ initial }: { initial: string }) {
  const [value, setValue] = useState(initial)
  const [error, setError] = useState<string | null>(null)
  function submit(e: FormEvent) {
    e.preventDefault()
    const id = value.trim().replace(/^controldeck:\/\/trace\//, '')
    if (!entityTypeOfId(id)) {
      setError('Paste an id such as m_0123456789ab (m_, p_, j_, a_ or r_ and 12 hex characters).')
      return
    }
    setError(null)
    navigate(traceHref(id))
  }
  return (
    <form className="row" onSubmit={submit} role="search" aria-label="Look up an id">
      <TextField
        id="trace-lookup"
        label="Entity id"
        hideLabel
        data-testid="trace-lookup"
        value={value}
        onChange={setValue}
        placeholder="m_… p_… j_… a_… r_…"
        size={24}
        className="mono"
      />
      <button type="submit" className="primary">
        Open trace
      </button>
      {error && (
        <span className="badge tone-warn" role="alert">
          {error}
        </span>
      )}
    </form>
  )
}

import { useEffect, useState } from 'react'
import { api, errorMessage } from '../../lib/transport/api'
import { addBatch, addHistory, emptyOutput, type OutputState } from '../../lib/runs/runOutput'

/**
 * The output of one run: its kept history (getRunOutput), then onRunOutput pushes appended as they
 * come. Pushes that arrive while the history loads are held and applied after it, so nothing is
 * lost or shown twice; a push that skips lines triggers one catch-up read.
 */
export function useRunOutput(runId: string): { output: OutputState; error: string | null } {
  const [output, setOutput] = useState<OutputState>(emptyOutput)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let alive = true
    let state = emptyOutput()
    let loaded = false
    let catchingUp = false
    type Batch = Parameters<typeof addBatch>[1]
    const held: Batch[] = []

    const publish = () => {
      if (alive) setOutput(state)
    }
    const catchUp = () => {
      if (catchingUp) return
      catchingUp = true
      api()
        .getRunOutput({ runId, afterSeq: state.lastSeq })
        .then((answer) => {
          state = addHistory(state, answer)
          publish()
        })
        .catch(() => undefined)
        .finally(() => {
          catchingUp = false
        })
    }
    const apply = (batch: Batch) => {
      const r = addBatch(state, batch)
      state = r.state
      if (r.gap) catchUp()
    }

    const off = api().onRunOutput((batch) => {
      if (batch.runId !== runId) return
      if (!loaded) {
        held.push(batch)
        return
      }
      apply(batch)
      publish()
    })
    api()
      .getRunOutput({ runId })
      .then(
        (answer) => {
          state = addHistory(state, answer)
          loaded = true
          for (const batch of held.splice(0)) apply(batch)
          publish()
        },
        (e: unknown) => {
          loaded = true
          for (const batch of held.splice(0)) apply(batch)
          publish()
          if (alive) setError(errorMessage(e))
        }
      )
    return () => {
      alive = false
      off()
    }
  }, [runId])

  return { output, error }
}

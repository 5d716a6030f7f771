import { useEffect, useRef, useState } from 'react'
import type { StateTransitionEvent } from '../../../../shared/neurorail/lifecycle'
import { api } from '../../lib/transport/api'

/** Transition histories by entity id, fetched for the rows on screen only. */
export type HistoryMap = ReadonlyMap<string, readonly StateTransitionEvent[]>

const CONCURRENCY = 4
/** One empty map, so a reset does not hand the memos below a new object every render. */
const EMPTY: HistoryMap = new Map()

/**
 * Loads the transition history of each visible lifecycle entity (mission, job, attempt) once,
 * a few at a time. Ids that scrolled away before their turn are skipped, so flinging through
 * 100,000 attempts costs only the rows the operator actually stops on.
 */
export function useHistories(visibleIds: readonly string[], resetKey: string): HistoryMap {
  const [state, setState] = useState<{
    key: string
    map: Map<string, readonly StateTransitionEvent[]>
  }>({
    key: resetKey,
    map: new Map()
  })
  const requested = useRef<{ key: string; ids: Set<string> }>({ key: resetKey, ids: new Set() })
  const visibleRef = useRef<Set<string>>(new Set())
  const active = useRef(0)
  const queue = useRef<string[]>([])
  const idsKey = visibleIds.join(',')
  // Answers arriving together (four at a time, while scrolling) are applied once per frame: one
  // copy of the map and one render of the tree for all of them, not one per answer.
  const arrived = useRef<Array<[string, readonly StateTransitionEvent[]]>>([])
  const frame = useRef<number | null>(null)
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current)
    },
    []
  )

  useEffect(() => {
    if (requested.current.key !== resetKey) {
      requested.current = { key: resetKey, ids: new Set() }
      queue.current = []
      arrived.current = []
    }
    visibleRef.current = new Set(visibleIds)
    for (const id of visibleIds) {
      if (requested.current.ids.has(id) || !/^[mja]_/.test(id)) continue
      requested.current.ids.add(id)
      queue.current.push(id)
    }
    const key = resetKey
    const flush = () => {
      frame.current = null
      const batch = arrived.current
      arrived.current = []
      // Everything in the batch is of the current trace (a reset empties it), whichever effect
      // run asked for this frame.
      const current = requested.current.key
      if (batch.length === 0) return
      setState((prev) => {
        if (requested.current.key !== current) return prev
        const map = new Map(prev.key === current ? prev.map : [])
        for (const [id, history] of batch) map.set(id, history)
        return { key: current, map }
      })
    }
    const pump = () => {
      while (active.current < CONCURRENCY && queue.current.length) {
        const id = queue.current.shift()!
        if (!visibleRef.current.has(id)) {
          // Scrolled away: forget it so it is fetched if it comes back.
          requested.current.ids.delete(id)
          continue
        }
        active.current++
        api()
          .getEntityDetails({ entityId: id })
          .then(
            (d) => {
              if (requested.current.key !== key) return
              arrived.current.push([id, d.history])
              frame.current ??= requestAnimationFrame(flush)
            },
            () => undefined
          )
          .finally(() => {
            active.current--
            pump()
          })
      }
    }
    pump()
    // visibleIds is represented by idsKey.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [idsKey, resetKey])

  return state.key === resetKey ? state.map : EMPTY
}

import { useEffect, useRef, useState } from 'react'
import type { StateTransitionEvent } from '../../../../shared/neurorail/lifecycle'
import { api } from '../../lib/transport/api'

/** Transition histories by entity id, fetched for the rows on screen only. */
export type HistoryMap = ReadonlyMap<string, readonly StateTransitionEvent[]>

const CONCURRENCY = 4

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

  useEffect(() => {
    if (requested.current.key !== resetKey) {
      requested.current = { key: resetKey, ids: new Set() }
      queue.current = []
    }
    visibleRef.current = new Set(visibleIds)
    for (const id of visibleIds) {
      if (requested.current.ids.has(id) || !/^[mja]_/.test(id)) continue
      requested.current.ids.add(id)
      queue.current.push(id)
    }
    const key = resetKey
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
            (d) =>
              setState((prev) => {
                if (requested.current.key !== key) return prev
                const map = new Map(prev.key === key ? prev.map : [])
                map.set(id, d.history)
                return { key, map }
              }),
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

  return state.key === resetKey ? state.map : new Map()
}

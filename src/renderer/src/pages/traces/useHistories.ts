import { useEffect, useRef, useState } from 'react'
import type { StateTransitionEvent } from '../../../../shared/neurorail/lifecycle'
import { addBounded } from '../../lib/traces/historyCache'
import { api } from '../../lib/transport/api'

/** Transition histories by entity id, fetched for the rows on screen only. */
export type HistoryMap = ReadonlyMap<string, readonly StateTransitionEvent[]>

const CONCURRENCY = 4
/**
 * Histories kept for one trace. Scrolling through a million attempts would otherwise keep every
 * history it ever showed; past this many the least recently seen are dropped (and fetched again
 * should their rows come back). Far more than a screen holds, so rows on screen never flicker.
 */
export const MAX_HISTORIES = 2_000
/** One empty map, so a reset does not hand the memos below a new object every render. */
const EMPTY: HistoryMap = new Map()

/**
 * Loads the transition history of each visible lifecycle entity (mission, job, attempt) once,
 * a few at a time, and keeps at most MAX_HISTORIES of them. Ids that scrolled away before their
 * turn are skipped, so flinging through 100,000 attempts costs only the rows the operator actually
 * stops on; everything is forgotten when the trace changes (`resetKey`).
 */
export function useHistories(visibleIds: readonly string[], resetKey: string): HistoryMap {
  // The map lives in a ref (read by the next batch) and in state (what renders).
  const stored = useRef<{ key: string; map: HistoryMap }>({ key: resetKey, map: EMPTY })
  const [shown, setShown] = useState<{ key: string; map: HistoryMap }>({
    key: resetKey,
    map: EMPTY
  })
  // Ids queued, in flight, stored, or failed while on screen: never asked for twice.
  const requested = useRef<{ key: string; ids: Set<string> }>({ key: resetKey, ids: new Set() })
  // Failures are not retried while their row stays on screen, and forgotten once it leaves.
  const failed = useRef(new Set<string>())
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
      stored.current = { key: resetKey, map: EMPTY }
      failed.current = new Set()
      queue.current = []
      arrived.current = []
    }
    const visible = new Set(visibleIds)
    visibleRef.current = visible
    const ids = requested.current.ids
    // Scrolled away: forget queued ids and failures, so they are fetched if they come back.
    const gone = (id: string) => !visible.has(id)
    for (const id of queue.current.filter(gone)) ids.delete(id)
    queue.current = queue.current.filter((id) => !gone(id))
    for (const id of [...failed.current].filter(gone)) {
      failed.current.delete(id)
      ids.delete(id)
    }
    for (const id of visibleIds) {
      if (ids.has(id) || !/^[mja]_/.test(id)) continue
      ids.add(id)
      queue.current.push(id)
    }
    const key = resetKey
    const flush = () => {
      frame.current = null
      const batch = arrived.current
      arrived.current = []
      // Everything in the batch is of the current trace (a reset empties it), whichever effect
      // run asked for this frame.
      if (batch.length === 0) return
      const { map, dropped } = addBounded(
        stored.current.map,
        batch,
        visibleRef.current,
        MAX_HISTORIES
      )
      for (const id of dropped) requested.current.ids.delete(id)
      stored.current = { key: stored.current.key, map }
      setShown(stored.current)
    }
    const pump = () => {
      while (active.current < CONCURRENCY && queue.current.length) {
        const id = queue.current.shift()!
        if (!visibleRef.current.has(id)) {
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
            () => {
              if (requested.current.key === key) failed.current.add(id)
            }
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

  return shown.key === resetKey ? shown.map : EMPTY
}

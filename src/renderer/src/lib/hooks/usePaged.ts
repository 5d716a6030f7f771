import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual'
import { useCallback, useEffect, useRef, useState } from 'react'
import { errorMessage } from '../transport/api'
import { useLatest } from './useLatest'

/** One page of a cursor-paged list. */
export interface Page<T> {
  items: T[]
  nextCursor: string | null
  stale?: { ageMs: number; fetchedAt: string } | null
}

/** Accumulated pages of a cursor-paged list for one key (filters). */
export interface PagedState<T> {
  items: T[]
  done: boolean
  loading: boolean
  error: string | null
  stale: { ageMs: number; fetchedAt: string } | null
  loadMore: () => void
  reload: () => void
}

/**
 * Loads the first page whenever `key` (the filters) changes and further pages on `loadMore`
 * (called as the end of a virtualized list comes into view). Answers for an old key are dropped.
 */
export function usePaged<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  key: string
): PagedState<T> {
  const fetchRef = useLatest(fetchPage)
  const [state, setState] = useState<{
    key: string
    items: T[]
    cursor: string | null
    done: boolean
    error: string | null
    stale: Page<T>['stale']
    started: boolean
  }>({ key: '', items: [], cursor: null, done: false, error: null, stale: null, started: false })
  const [nonce, setNonce] = useState(0)
  const busy = useRef(false)
  const keyRef = useRef(key)

  const run = useCallback(
    (forKey: string, cursor: string | undefined, reset: boolean) => {
      busy.current = true
      fetchRef.current(cursor).then(
        (page) => {
          busy.current = false
          if (keyRef.current !== forKey) return
          setState((prev) => ({
            key: forKey,
            items: reset || prev.key !== forKey ? page.items : prev.items.concat(page.items),
            cursor: page.nextCursor,
            done: page.nextCursor === null,
            error: null,
            stale: page.stale ?? null,
            started: true
          }))
        },
        (e: unknown) => {
          busy.current = false
          if (keyRef.current !== forKey) return
          setState((prev) => ({
            ...prev,
            key: forKey,
            items: prev.key === forKey ? prev.items : [],
            error: errorMessage(e),
            started: true
          }))
        }
      )
    },
    [fetchRef]
  )

  useEffect(() => {
    keyRef.current = key
    run(key, undefined, true)
  }, [key, nonce, run])

  const current = state.key === key
  const loadMore = useCallback(() => {
    if (!current || busy.current || state.done || state.cursor === null) return
    run(key, state.cursor, false)
  }, [current, key, run, state.cursor, state.done])

  return {
    items: current ? state.items : [],
    done: current ? state.done : false,
    loading: !current || !state.started,
    error: current ? state.error : null,
    stale: current ? (state.stale ?? null) : null,
    loadMore,
    reload: () => setNonce((n) => n + 1)
  }
}

/**
 * A virtualizer over `count` rows that calls `onNearEnd` (when given) as the last rendered row
 * comes within `prefetchRows` of the end: the paged lists' load-more, for any row source.
 */
export function useEndlessVirtualizer(
  count: number,
  onNearEnd: (() => void) | undefined,
  rowHeight: number,
  prefetchRows: number,
  /** Height above the first row inside the scroll element (a sticky header); rows' `start` includes it. */
  scrollMargin = 0,
  /** A row kept rendered wherever the list is scrolled (the one holding focus), or -1. */
  pinned = -1
) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
    scrollMargin,
    // Scrolling a row into view keeps it clear of the sticky header.
    scrollPaddingStart: scrollMargin,
    rangeExtractor: useCallback((range: Range) => withPinned(range, pinned), [pinned])
  })
  const rows = virtualizer.getVirtualItems()
  const lastIndex = rows.at(-1)?.index ?? -1
  useEffect(() => {
    if (onNearEnd && lastIndex >= count - prefetchRows) onNearEnd()
  }, [lastIndex, count, onNearEnd, prefetchRows])
  return { scrollRef, virtualizer, rows }
}

/**
 * The rows a virtualizer renders for `range`, plus `pinned` (when it is a row) wherever it is: a
 * focused row scrolled out of view stays in the document, so focus is never dropped to the page.
 */
export function withPinned(range: Range, pinned: number): number[] {
  const indexes = defaultRangeExtractor(range)
  if (pinned < 0 || pinned >= range.count || indexes.includes(pinned)) return indexes
  return pinned < (indexes[0] ?? 0) ? [pinned, ...indexes] : [...indexes, pinned]
}

import { useEffect, useRef, type RefObject } from 'react'

/**
 * A ref that holds the latest `value` (updated after each render), for callbacks and effects that
 * must call the newest closure without re-running when it changes.
 */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value)
  useEffect(() => {
    ref.current = value
  })
  return ref
}

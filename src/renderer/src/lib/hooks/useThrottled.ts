import { useEffect, useRef, useState } from 'react'

/**
 * The latest `value`, but changing at most once per `ms` (trailing). Charts of per-second buckets
 * gain nothing from redrawing at 60 fps while the stream updates the store every frame.
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value)
  const last = useRef(0)
  useEffect(() => {
    const wait = Math.max(0, last.current + ms - Date.now())
    const timer = setTimeout(() => {
      last.current = Date.now()
      setShown(value)
    }, wait)
    return () => clearTimeout(timer)
  }, [value, ms])
  return shown
}

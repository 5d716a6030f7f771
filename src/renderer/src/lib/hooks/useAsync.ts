import { useEffect, useState } from 'react'
import { useStore } from '../../store'
import { errorMessage } from '../transport/api'
import { useLatest } from './useLatest'

/** State of one asynchronous load. `loading` is true until the first answer for the current key. */
export interface AsyncState<T> {
  data: T | undefined
  /** When `data` arrived (epoch ms), 0 before. */
  updatedAt: number
  error: string | null
  loading: boolean
  reload: () => void
}

/**
 * Runs `load` whenever `key` changes (and every `refreshMs` if given), keeping the last good data
 * of the same key while a refresh runs or fails. Answers for an old key are dropped.
 */
export function useAsync<T>(
  load: () => Promise<T>,
  key: string,
  refreshMs?: number
): AsyncState<T> {
  const loadRef = useLatest(load)
  const [state, setState] = useState<{
    key: string
    data: T | undefined
    error: string | null
    done: boolean
    at: number
  }>({
    key: '',
    data: undefined,
    error: null,
    done: false,
    at: 0
  })
  const [nonce, setNonce] = useState(0)

  useEffect(() => {
    let alive = true
    const run = () => {
      loadRef.current().then(
        (data) => {
          if (alive) setState({ key, data, error: null, done: true, at: Date.now() })
        },
        (e: unknown) => {
          if (alive)
            setState((prev) => ({
              key,
              data: prev.key === key ? prev.data : undefined,
              error: errorMessage(e),
              done: true,
              at: prev.key === key ? prev.at : 0
            }))
        }
      )
    }
    run()
    const timer = refreshMs ? setInterval(run, refreshMs) : undefined
    return () => {
      alive = false
      if (timer) clearInterval(timer)
    }
  }, [key, nonce, refreshMs, loadRef])

  const current = state.key === key
  return {
    data: current ? state.data : undefined,
    updatedAt: current ? state.at : 0,
    error: current ? state.error : null,
    loading: !current || !state.done,
    reload: () => setNonce((n) => n + 1)
  }
}

/**
 * A key part that changes when the active environment changes or its connection comes back, so
 * pages reload then (and show the cache while offline).
 */
export function useDataEpoch(): string {
  const env = useStore((s) => s.connection?.environmentId ?? '')
  const reachable = useStore((s) => (s.connection ? s.connection.status !== 'offline' : true))
  return `${env}:${reachable ? 'on' : 'off'}`
}

import { useState } from 'react'
import { errorMessage } from '../transport/api'

/**
 * The state of a call the user started from a form or button: `busy` while it is on its way and
 * `error`, a sentence, when it failed. `run` never rejects; it resolves to whether the call
 * succeeded, so the caller decides what follows (close, refresh, show a result).
 */
export function useBusyAction() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function run(action: () => Promise<unknown>): Promise<boolean> {
    setBusy(true)
    setError(null)
    try {
      await action()
      return true
    } catch (err) {
      setError(errorMessage(err))
      return false
    } finally {
      setBusy(false)
    }
  }

  return { busy, error, setError, run }
}

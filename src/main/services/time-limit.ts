/**
 * Settles as `promise` does, or with `onTimeout()` (its value, or its throw) when `promise` has not
 * settled within `ms`. The timer is cleared either way, so a finished race never keeps a process
 * (CLI, tests) alive; `promise` itself is not cancelled.
 */
export async function withTimeLimit<T, F>(
  promise: PromiseLike<T>,
  ms: number,
  onTimeout: () => F
): Promise<T | F> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timedOut = new Promise<F>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout())
      } catch (error) {
        reject(error)
      }
    }, ms)
  })
  try {
    return await Promise.race([promise, timedOut])
  } finally {
    clearTimeout(timer)
  }
}

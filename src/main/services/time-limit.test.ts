import { describe, expect, it } from 'vitest'
import { withTimeLimit } from './time-limit'

describe('withTimeLimit', () => {
  it('settles as the promise does when it is in time', async () => {
    expect(await withTimeLimit(Promise.resolve(7), 1_000, () => 'late')).toBe(7)
    await expect(
      withTimeLimit(Promise.reject(new Error('boom')), 1_000, () => 'late')
    ).rejects.toThrow('boom')
  })

  it('answers with the fallback, or its throw, when the promise is not', async () => {
    const never = new Promise<number>(() => {})
    expect(await withTimeLimit(never, 1, () => null)).toBeNull()
    await expect(
      withTimeLimit(never, 1, () => {
        throw new Error('no answer')
      })
    ).rejects.toThrow('no answer')
  })
})

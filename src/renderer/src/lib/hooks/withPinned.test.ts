import { describe, expect, it } from 'vitest'
import { withPinned } from './usePaged'

// Rows 10–14 on screen with 2 of overscan, of 100.
const range = { startIndex: 10, endIndex: 14, overscan: 2, count: 100, lanes: 1 }
const onScreen = [8, 9, 10, 11, 12, 13, 14, 15, 16]

describe('withPinned', () => {
  it('renders the rows in range when nothing is pinned or the pinned row is among them', () => {
    expect(withPinned(range, -1)).toEqual(onScreen)
    expect(withPinned(range, 12)).toEqual(onScreen)
  })

  it('keeps a focused row rendered, in order, after it scrolled out of view', () => {
    expect(withPinned(range, 90)).toEqual([...onScreen, 90])
    expect(withPinned(range, 0)).toEqual([0, ...onScreen])
  })

  it('ignores a pinned index past the end of a list that shrank', () => {
    expect(withPinned(range, 100)).toEqual(onScreen)
  })
})

import { describe, expect, it } from 'vitest'
import { streamDetailLine, streamHealthSentence, streamHealthShort } from './streamHealth'

describe('stream health in the connection details', () => {
  const clean = { epoch: 'ab12', frames: 40, invalid: 0, truncated: 0, duplicates: 0, resets: 0 }

  it('says nothing when nothing was skipped, cut or reset', () => {
    expect(streamHealthSentence(clean)).toBeNull()
    expect(streamHealthShort(clean)).toBeNull()
    expect(streamHealthSentence(undefined)).toBeNull()
    expect(streamDetailLine(clean)).toBe(
      'Stream: 40 frames received, 0 replays dropped, event log ab12'
    )
  })

  it('names every count the operator must not miss', () => {
    const s = { ...clean, invalid: 3, truncated: 1, resets: 1 }
    expect(streamHealthSentence(s)).toBe(
      "Event stream: 3 unreadable frames skipped; 1 event shown with a part nested too deep replaced by a marker; the backend's event log started over 1 time (resumed from its start)."
    )
    expect(streamHealthShort(s)).toBe('3 skipped · 1 cut · 1 reset')
  })
})

import { describe, expect, it } from 'vitest'
import { reconnectDelay, SseRetryScanner } from './sse-retry'

/** Every `retry:` value the scanner reports for `bytes` fed in pieces of `size` bytes. */
function scan(bytes: Uint8Array, size: number): number[] {
  const seen: number[] = []
  const scanner = new SseRetryScanner((ms) => seen.push(ms))
  for (let i = 0; i < bytes.length; i += size) scanner.feed(bytes.subarray(i, i + size))
  return seen
}

describe('SseRetryScanner', () => {
  // One stream with what §9.2.6 lets a parser meet, and what it must ignore.
  const stream = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]), // a BOM, dropped before the first line
    Buffer.from(
      [
        'retry: 100\n', // 100
        'data: retry: 7\n', // inside a data line: not a field
        ': retry: 8\r', // a comment
        'retry:200\r\n', // no space, CRLF: 200
        'retry:  9\n', // two spaces: the value is " 9", not digits
        'retry: 3s\r', // not digits
        'retry\n', // no colon: empty value
        'retry:\n', // empty value
        'retryx: 10\n', // another field
        'Retry: 11\n', // field names are case-sensitive
        'retry: 0300\r', // leading zeros: 300
        '\n', // the LF of a CRLF split from its CR by a chunk boundary, or a blank line
        'id: 1\nretry: 99999999999999999999999\n\n' // huge: reported (saturated), bounded by the owner
      ].join('')
    )
  ])

  it('reads the field as the specification parses it, however the bytes are chunked', () => {
    const expected = [100, 200, 300, 1e15]
    for (const size of [1, 2, 3, 5, 7, 64, stream.length])
      expect(scan(stream, size)).toEqual(expected)
  })

  it('reads a first line without a BOM, and a BOM only at the start of the stream', () => {
    expect(scan(Buffer.from('retry: 5\n'), 1)).toEqual([5])
    expect(scan(Buffer.from('\ufeffretry: 6\n'), 2)).toEqual([6])
    expect(scan(Buffer.from('\n\ufeffretry: 6\n'), 1)).toEqual([])
  })
})

describe('reconnectDelay', () => {
  it('waits the server time, never less than the backoff nor more than its cap', () => {
    expect(reconnectDelay(400, null, 30_000)).toBe(400)
    expect(reconnectDelay(400, 20_000, 30_000)).toBe(20_000)
    expect(reconnectDelay(400, 0, 30_000)).toBe(400)
    expect(reconnectDelay(400, 86_400_000, 30_000)).toBe(30_000)
    expect(reconnectDelay(25_000, 1000, 30_000)).toBe(25_000)
  })
})

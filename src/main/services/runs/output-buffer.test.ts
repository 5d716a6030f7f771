import { describe, expect, it } from 'vitest'
import { MAX_LINE_CHARS, OutputBuffer } from './output-buffer'

describe('OutputBuffer', () => {
  it('splits chunks into lines per stream, keeping partial lines until they end', () => {
    const buffer = new OutputBuffer(10)
    expect(buffer.write('stdout', 'hel')).toEqual([])
    expect(buffer.write('stderr', 'oops\r\nhalf')).toMatchObject([
      { stream: 'stderr', text: 'oops', seq: 0 }
    ])
    expect(buffer.write('stdout', 'lo\nworld\n')).toMatchObject([
      { stream: 'stdout', text: 'hello', seq: 1 },
      { stream: 'stdout', text: 'world', seq: 2 }
    ])
    expect(buffer.end()).toMatchObject([{ stream: 'stderr', text: 'half', seq: 3 }])
    expect(buffer.read().map((l) => l.text)).toEqual(['oops', 'hello', 'world', 'half'])
    expect(buffer.read(1).map((l) => l.seq)).toEqual([2, 3])
  })

  it('keeps only the newest lines and counts what it dropped', () => {
    const buffer = new OutputBuffer(3)
    buffer.write('stdout', 'a\nb\nc\nd\ne\n')
    expect(buffer.read().map((l) => l.text)).toEqual(['c', 'd', 'e'])
    expect(buffer.total).toBe(5)
    expect(buffer.dropped).toBe(2)
    buffer.write('stdout', 'f\n')
    expect(buffer.read().map((l) => l.text)).toEqual(['d', 'e', 'f'])
  })

  it('cuts endless lines instead of holding them', () => {
    const buffer = new OutputBuffer(5)
    const lines = buffer.write('stdout', 'x'.repeat(MAX_LINE_CHARS + 10))
    expect(lines).toHaveLength(1)
    expect(lines[0]?.text).toHaveLength(MAX_LINE_CHARS + 1)
    expect(lines[0]?.text.endsWith('…')).toBe(true)
    expect(buffer.end()).toEqual([])
  })
})

import { describe, expect, it } from 'vitest'
import { formatTailLine } from './tail'

describe('formatTailLine', () => {
  it('keeps hostile text on one line without terminal escapes', () => {
    const line = formatTailLine({
      id: '7',
      channel: 'audit',
      event_type: 'execution_failure',
      timestamp: 1795413116.697,
      data: {
        message: 'boom\n\u001b[2J\u001b]0;pwned\u0007<script>x</script>',
        job_id: 'j_000000000001'
      }
    })
    expect([...line].some((c) => c.charCodeAt(0) < 0x20)).toBe(false)
    expect(line).toContain('<script>x</script>')
    expect(line).toContain('job_id=j_000000000001')
    expect(line.startsWith('05:51:56.697 audit')).toBe(true)
  })
})

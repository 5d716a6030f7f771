import { describe, expect, it } from 'vitest'
import { credentialOf, redactSecrets } from './redact'

describe('redactSecrets', () => {
  it('replaces whole occurrences, as sent and as escaped inside JSON', () => {
    expect(
      redactSecrets('Invalid credentials: Bearer abc.DEF-123 is not accepted', [
        'Bearer abc.DEF-123',
        'abc.DEF-123'
      ])
    ).toBe('Invalid credentials: [redacted] is not accepted')
    expect(redactSecrets('token=abc.DEF-123, again abc.DEF-123', ['abc.DEF-123'])).toBe(
      'token=[redacted], again [redacted]'
    )
    const quoted = 'pa"ss\\word'
    expect(redactSecrets(JSON.stringify({ detail: `bad ${quoted}` }), [quoted])).toBe(
      '{"detail":"bad [redacted]"}'
    )
  })

  it('does not cut a short secret out of words', () => {
    expect(redactSecrets('Mission m_0123456789ab not found', ['t'])).toBe(
      'Mission m_0123456789ab not found'
    )
    expect(redactSecrets('token t refused', ['t', null, undefined, ''])).toBe(
      'token [redacted] refused'
    )
  })

  it('takes the credential after the scheme of an Authorization value', () => {
    expect(credentialOf('Bearer abc def')).toBe('abc def')
    expect(credentialOf('opaque')).toBe('opaque')
  })
})

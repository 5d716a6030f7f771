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

  it('removes credentials it was not told about, and keeps a JSON text parseable', () => {
    const body = JSON.stringify({
      detail:
        'refused Authorization: Bearer other-token-0123 (eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln); password=ab"cd; see https://u:p4ss@host/x',
      access_token: 'at-9876',
      secret: 5
    })
    expect(JSON.parse(redactSecrets(body))).toEqual({
      detail:
        'refused Authorization: [redacted] [redacted] ([redacted-jwt]); password=[redacted]"cd; see https://[redacted]@host/x',
      access_token: '[redacted]',
      secret: 5
    })
  })

  it('removes a long known secret inside words, and the JSON spelling of one ending in a backslash', () => {
    expect(redactSecrets('xx-known-secret-1234-yy', ['known-secret-1234'])).toBe('xx-[redacted]-yy')
    // The raw spelling `ab\` is a prefix of the JSON one `ab\\`: replaced first, it left `\ y`.
    const text = JSON.stringify({ detail: 'refused ab\\ here' })
    expect(JSON.parse(redactSecrets(text, ['ab\\']))).toEqual({ detail: 'refused [redacted] here' })
  })

  it('takes the credential after the scheme of an Authorization value', () => {
    expect(credentialOf('Bearer abc def')).toBe('abc def')
    expect(credentialOf('opaque')).toBe('opaque')
  })
})

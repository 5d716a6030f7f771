import { describe, expect, it } from 'vitest'
import { credentialOf, redactSecrets, redactValue } from './redact'

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

  it('removes credentials it was not told about, from a parsed answer, keeping its shape', () => {
    const body = {
      detail:
        'refused Authorization: Bearer other-token-0123 (eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln); password=ab"cd; see https://u:p4ss@host/x',
      access_token: 'at-9876',
      client_secret: 'correct horse battery staple',
      secret: 5
    }
    expect(redactValue(body)).toEqual({
      detail:
        'refused Authorization: [redacted] [redacted] ([redacted-jwt]); password=[redacted]; see https://[redacted]@host/x',
      access_token: '[redacted]',
      client_secret: '[redacted]',
      secret: 5
    })
  })

  it('takes a quoted value whole and keeps its quotes; leaves prose and neighbouring fields alone', () => {
    expect(redactSecrets('{"password":"correct horse battery staple"}')).toBe(
      '{"password":"[redacted]"}'
    )
    expect(redactSecrets("login with password='a b\\'c' failed")).toBe(
      "login with password='[redacted]' failed"
    )
    expect(redactSecrets('password=hunter2,backup and private_key: k-1')).toBe(
      'password=[redacted],backup and private_key: [redacted]'
    )
    expect(redactSecrets('Basic setup failed; bearer of bad news')).toBe(
      'Basic setup failed; bearer of bad news'
    )
    // The URL in one string must not reach the `@` of the next field (it made JSON.parse throw).
    const answer = { detail: ['upstream refused: http://localhost'], contact: 'ops@example.com' }
    expect(redactValue(answer)).toEqual(answer)
    expect(redactSecrets(JSON.stringify(answer))).toBe(JSON.stringify(answer))
  })

  it('removes a long known secret inside words, and the JSON spelling of one ending in a backslash', () => {
    expect(redactSecrets('xx-known-secret-1234-yy', ['known-secret-1234'])).toBe('xx-[redacted]-yy')
    // The raw spelling `ab\` is a prefix of the JSON one `ab\\`: replaced first, it left `\ y`.
    const text = JSON.stringify({ detail: 'refused ab\\ here' })
    expect(JSON.parse(redactSecrets(text, ['ab\\']))).toEqual({ detail: 'refused [redacted] here' })
  })

  it('removes the credential after any Authorization scheme, not only Bearer and Basic', () => {
    expect(redactSecrets('echo: Authorization: token ghp_abcdefghijklmnop1234 refused')).toBe(
      'echo: Authorization: [redacted] [redacted] refused'
    )
    expect(redactSecrets('{"detail":"Proxy-Authorization=Negotiate YIIabc+/= bad"}')).toBe(
      '{"detail":"Proxy-Authorization=[redacted] [redacted] bad"}'
    )
  })

  it('takes the credential after the scheme of an Authorization value', () => {
    expect(credentialOf('Bearer abc def')).toBe('abc def')
    expect(credentialOf('opaque')).toBe('opaque')
  })
})

import { describe, expect, it } from 'vitest'
import { hostPolicy, isAllowedHost, isLoopbackName, normalizeAllowedHost } from './host'

describe('isAllowedHost', () => {
  it('answers a loopback bind to its loopback names, on any port (port forwards)', () => {
    const p = hostPolicy('127.0.0.1', 8765)
    // Any loopback spelling is this machine: no page elsewhere can make a browser send one. A
    // different port is the server reached through a forward (ssh -L 9000:localhost:8765).
    for (const h of [
      '127.0.0.1:8765',
      'localhost:8765',
      'LOCALHOST:8765',
      '[::1]:8765',
      '127.0.0.2:8765',
      'localhost.:8765',
      'localhost:9000',
      'localhost',
      '127.0.0.1:1',
      '[::1]:9000',
      '[::1]'
    ])
      expect(isAllowedHost(h, p)).toBe(true)
    for (const h of [
      'evil.example:8765',
      '127.0.0.1.nip.io:8765',
      'localhost.attacker.example:8765',
      '127.0.0.1:8765@evil',
      '',
      'localhost:8765 ',
      'a b:8765',
      'localhost:99999',
      'localhost:8765/x'
    ]) {
      expect(isAllowedHost(h, p)).toBe(false)
    }
    expect(isAllowedHost(undefined, p)).toBe(false)
  })

  it('accepts the bound name, IP literals on a wildcard bind, and the allow-list', () => {
    expect(isAllowedHost('engine.lan:9000', hostPolicy('engine.lan', 9000))).toBe(true)
    expect(isAllowedHost('[fd00::5]:9000', hostPolicy('fd00::5', 9000))).toBe(true)
    const wild = hostPolicy('0.0.0.0', 9000, ['deck.example.com', 'other.example:443'])
    expect(isAllowedHost('192.168.1.20:9000', wild)).toBe(true)
    expect(isAllowedHost('[fe80::1]:9000', wild)).toBe(true)
    expect(isAllowedHost('192.168.1.20:9001', wild)).toBe(false)
    expect(isAllowedHost('rebind.evil.example:9000', wild)).toBe(false)
    expect(isAllowedHost('deck.example.com', wild)).toBe(true)
    expect(isAllowedHost('deck.example.com:8443', wild)).toBe(true)
    expect(isAllowedHost('other.example:443', wild)).toBe(true)
    expect(isAllowedHost('other.example:444', wild)).toBe(false)
    expect(isAllowedHost('anything.at.all:1', hostPolicy('127.0.0.1', 9000, ['*']))).toBe(true)
  })

  it('rejects allow-list entries that are not host names', () => {
    expect(normalizeAllowedHost('Deck.Example.com:443')).toBe('deck.example.com:443')
    expect(normalizeAllowedHost('http://x')).toBeNull()
    expect(() => hostPolicy('127.0.0.1', 1, ['a b'])).toThrow(RangeError)
  })
})

describe('isLoopbackName', () => {
  it('knows the names only this machine can reach', () => {
    for (const host of [
      '127.0.0.1',
      '127.1.2.3',
      'localhost',
      'LocalHost',
      'localhost.',
      '::1',
      '[::1]'
    ])
      expect(isLoopbackName(host), host).toBe(true)
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'localhost.example', '127.0.0.1.nip.io'])
      expect(isLoopbackName(host), host).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { isAllowedHost, isLoopbackName, parseHostHeader } from './host'

describe('isAllowedHost', () => {
  const loopback = { host: '127.0.0.1', port: 4321 }

  it('accepts the loopback names with the served port', () => {
    for (const host of ['127.0.0.1:4321', 'localhost:4321', 'LOCALHOST:4321', 'localhost.:4321', '[::1]:4321', '127.0.0.2:4321']) {
      expect(isAllowedHost(host, loopback), host).toBe(true)
    }
  })

  it('refuses rebinding names, other ports and malformed headers', () => {
    for (const host of [
      'attacker.example:4321',
      '127.0.0.1.nip.io:4321',
      'localhost.attacker.example:4321',
      '127.0.0.1:4322',
      '127.0.0.1',
      '192.168.1.5:4321',
      '',
      ' ',
      '127.0.0.1:4321@evil',
      '127.0.0.1:99999',
      'a b:4321',
      '[::1',
      undefined
    ]) {
      expect(isAllowedHost(host, loopback), String(host)).toBe(false)
    }
  })

  it('accepts the name a --host deployment was bound to', () => {
    const lan = { host: 'deck.lan', port: 8080 }
    expect(isAllowedHost('deck.lan:8080', lan)).toBe(true)
    expect(isAllowedHost('DECK.LAN:8080', lan)).toBe(true)
    expect(isAllowedHost('attacker.example:8080', lan)).toBe(false)
    expect(isAllowedHost('10.0.0.7:8080', { host: '10.0.0.7', port: 8080 })).toBe(true)
    expect(isAllowedHost('[fe80::1]:8080', { host: 'fe80::1', port: 8080 })).toBe(true)
  })

  it('accepts address literals, never names, on a wildcard bind', () => {
    const any = { host: '0.0.0.0', port: 80 }
    expect(isAllowedHost('192.168.1.5', any)).toBe(true)
    expect(isAllowedHost('[2001:db8::5]:80', any)).toBe(true)
    expect(isAllowedHost('attacker.example', any)).toBe(false)
    expect(isAllowedHost('192.168.1.5:81', any)).toBe(false)
  })

  it('parses bracketed IPv6 and ports', () => {
    expect(parseHostHeader('[::1]:80')).toEqual({ name: '::1', port: 80 })
    expect(parseHostHeader('Example.COM')).toEqual({ name: 'example.com', port: null })
    expect(parseHostHeader('x:')).toBeNull()
  })
})

describe('isLoopbackName', () => {
  it('knows the names only this machine can reach', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LocalHost', '::1', '[::1]']) expect(isLoopbackName(host), host).toBe(true)
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'localhost.example', '127.0.0.1.nip.io']) expect(isLoopbackName(host), host).toBe(false)
  })
})

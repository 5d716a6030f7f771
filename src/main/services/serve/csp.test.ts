// The CSP browser mode serves, read off a real response of the real server, against the page's
// own <meta> policy (src/renderer/index.html): equal, and strict. Weakening either one fails here.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTempBrowserServer, type TempBrowserServer } from '../testing/browser-server'
import { parseCsp } from './csp'

/** The page every transport loads, as written (the build copies its <meta> unchanged). */
const INDEX_HTML = readFileSync(path.resolve('src/renderer/index.html'), 'utf8')

/** Directives a <meta> policy cannot carry (browsers ignore them there, with a warning). */
const HEADER_ONLY = ['frame-ancestors', 'report-uri', 'sandbox']

function metaPolicy(html: string): string {
  const policy = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html)?.[1]
  if (policy === undefined) throw new Error('index.html has no CSP <meta>')
  return policy
}

/** The sources that decide what scripts may run: script-src, else default-src. */
function scriptSources(policy: Record<string, string[]>): string[] {
  return policy['script-src'] ?? policy['default-src'] ?? []
}

let temp: TempBrowserServer
let served: string

beforeAll(async () => {
  temp = await startTempBrowserServer('cd-csp-', { files: { 'index.html': INDEX_HTML } })
  const res = await fetch(`${temp.server.origin}/`)
  expect(res.status).toBe(200)
  served = res.headers.get('content-security-policy') ?? ''
})

afterAll(async () => {
  await temp?.close()
})

describe('renderer CSP in browser mode', () => {
  it('serves the same policy as the page meta, plus only header-only directives', () => {
    const header = parseCsp(served)
    const meta = parseCsp(metaPolicy(INDEX_HTML))
    const headerWithoutHeaderOnly = Object.fromEntries(
      Object.entries(header).filter(([name]) => !HEADER_ONLY.includes(name))
    )
    expect(meta).toEqual(headerWithoutHeaderOnly)
    for (const name of HEADER_ONLY) expect(meta[name], name).toBeUndefined()
  })

  it('is strict: own scripts only, no plugins, no base, no forms, no framing, own origin only', () => {
    const header = parseCsp(served)
    expect(header['default-src']).toEqual(["'self'"])
    expect(scriptSources(header)).toEqual(["'self'"])
    for (const [name, sources] of Object.entries(header)) {
      for (const weak of [
        "'unsafe-inline'",
        "'unsafe-eval'",
        "'unsafe-hashes'",
        "'wasm-unsafe-eval'",
        '*',
        'http:',
        'https:',
        'data:',
        'blob:'
      ]) {
        // Images may be data: URLs (icons); nothing else may widen past our own origin.
        if (name === 'img-src' && weak === 'data:') continue
        expect(sources, `${name} ${weak}`).not.toContain(weak)
      }
      expect(
        sources.some((s) => s.includes('*')),
        name
      ).toBe(false)
    }
    expect(header['object-src']).toEqual(["'none'"])
    expect(header['base-uri']).toEqual(["'none'"])
    expect(header['form-action']).toEqual(["'none'"])
    expect(header['frame-ancestors']).toEqual(["'none'"])
    expect(header['connect-src']).toEqual(["'self'"])
    expect(header['style-src']).toEqual(["'self'"])
  })

  it('sends the headers that keep the page unframed and unsniffed', async () => {
    const res = await fetch(`${temp.server.origin}/`)
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
  })
})

describe('parseCsp', () => {
  it('reads directives case-insensitively, sources in any order, first occurrence wins', () => {
    expect(parseCsp("Script-Src 'self' data: ;; default-src 'none'; script-src *")).toEqual({
      'script-src': ["'self'", 'data:'],
      'default-src': ["'none'"]
    })
  })
})

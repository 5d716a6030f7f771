import { describe, expect, it } from 'vitest'
import {
  findDeepLinkArg,
  isAllowedExternalUrl,
  isAppDownload,
  isAppUrl,
  parseDeepLink,
  rendererLocation
} from './urls'

describe('isAppUrl', () => {
  const file = { kind: 'file', indexUrl: 'file:///opt/cd/out/renderer/index.html' } as const
  const dev = { kind: 'dev', origin: 'http://localhost:5173' } as const

  it('accepts our page with any hash or query', () => {
    for (const url of [file.indexUrl, `${file.indexUrl}#/audit?x=1`])
      expect(isAppUrl(url, file), url).toBe(true)
    expect(isAppUrl('http://localhost:5173/#/runs', dev)).toBe(true)
  })

  it('refuses other files, origins and garbage', () => {
    const refused = {
      file: [
        'file:///etc/passwd',
        'file:///opt/cd/out/renderer/other.html',
        'https://example.com/'
      ],
      dev: ['http://localhost:5174/', 'http://127.0.0.1:5173/', 'not a url']
    }
    for (const url of refused.file) expect(isAppUrl(url, file), url).toBe(false)
    for (const url of refused.dev) expect(isAppUrl(url, dev), url).toBe(false)
  })
})

describe('isAppDownload', () => {
  const file = { kind: 'file', indexUrl: 'file:///opt/cd/out/renderer/index.html' } as const
  const dev = { kind: 'dev', origin: 'http://localhost:5173' } as const
  const page = 'file:///opt/cd/out/renderer/index.html#/environments'

  it('lets our page save the blobs it built (exports)', () => {
    expect(isAppDownload('blob:file:///2f1c0a4e-0000-4000-8000-000000000000', page, file)).toBe(
      true
    )
    expect(
      isAppDownload('blob:http://localhost:5173/2f1c0a4e', 'http://localhost:5173/#/traces', dev)
    ).toBe(true)
  })

  it('refuses other downloads, other origins and pages that are not ours', () => {
    // [download, the page it comes from, where our page is]
    for (const [url, from, location] of [
      ['https://example.com/payload.exe', page, file],
      ['file:///etc/passwd', page, file],
      ['blob:https://example.com/2f1c0a4e', page, file],
      ['blob:http://localhost:5174/2f1c0a4e', 'http://localhost:5173/', dev],
      ['blob:file:///2f1c0a4e', 'https://example.com/', file],
      ['blob:nonsense', page, file]
    ] as const)
      expect(isAppDownload(url, from, location), `${url} from ${from}`).toBe(false)
  })
})

describe('isAllowedExternalUrl', () => {
  it('lets only plain https through', () => {
    expect(isAllowedExternalUrl('https://github.com/x')).toBe(true)
    for (const url of [
      'http://x.org',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://h/s',
      'https://u:p@x.org',
      ''
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false)
    }
  })
})

describe('parseDeepLink', () => {
  it('extracts the path of controldeck links', () => {
    expect(parseDeepLink('controldeck://trace/m_123')).toBe('trace/m_123')
    expect(parseDeepLink('ControlDeck://trace/m_123/')).toBe('trace/m_123')
    expect(parseDeepLink('controldeck:///trace/a%3A1')).toBe('trace/a:1')
  })

  it('keeps a list view query as sent (still encoded), and refuses odd characters in it', () => {
    expect(parseDeepLink('controldeck://traces?kind=jobs&sort=cost&dir=desc&q=llm%20call')).toBe(
      'traces?kind=jobs&sort=cost&dir=desc&q=llm%20call'
    )
    expect(parseDeepLink('controldeck://traces/?kind=jobs')).toBe('traces?kind=jobs')
    expect(parseDeepLink('controldeck://traces?q=<b>')).toBeNull()
    expect(parseDeepLink('controldeck://?kind=jobs')).toBeNull()
  })

  it('refuses other schemes, empty paths and odd characters', () => {
    for (const url of [
      'https://x/trace/1',
      'controldeck://',
      'controldeck://trace/<script>',
      'controldeck://../x',
      'controldeck://%E0%A4%A'
    ]) {
      expect(parseDeepLink(url), url).toBeNull()
    }
  })

  it('finds the link among launch arguments', () => {
    expect(findDeepLinkArg(['/usr/bin/controldeck', '--flag', 'controldeck://trace/j_1'])).toBe(
      'trace/j_1'
    )
    expect(findDeepLinkArg(['/usr/bin/controldeck'])).toBeNull()
  })
})

describe('rendererLocation', () => {
  const index = 'file:///opt/cd/out/renderer/index.html'
  const dev = { ELECTRON_RENDERER_URL: 'http://localhost:5173', CONTROLDECK_DEV_SERVER: '1' }

  it('uses the dev server only with the flag, unpackaged, on plain http loopback', () => {
    expect(rendererLocation(dev, false, index).location).toEqual({
      kind: 'dev',
      origin: 'http://localhost:5173'
    })
    expect(
      rendererLocation({ ...dev, ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173/x' }, false, index)
        .location
    ).toEqual({ kind: 'dev', origin: 'http://127.0.0.1:5173' })
    expect(
      rendererLocation({ ...dev, ELECTRON_RENDERER_URL: 'http://[::1]:5173' }, false, index)
        .location.kind
    ).toBe('dev')
  })

  it('falls back to the built files and says why otherwise', () => {
    const file = { kind: 'file', indexUrl: index }
    for (const [env, packaged, why] of [
      [{}, false, null],
      [{ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, false, /npm run dev/],
      [dev, true, /packaged/],
      [{ ...dev, ELECTRON_RENDERER_URL: 'https://localhost:5173' }, false, /plain http/],
      [{ ...dev, ELECTRON_RENDERER_URL: 'http://localhost.evil.example:5173' }, false, /loopback/],
      [{ ...dev, ELECTRON_RENDERER_URL: 'http://user:pw@localhost:5173' }, false, /loopback/],
      [{ ...dev, ELECTRON_RENDERER_URL: 'not a url' }, false, /not a URL/]
    ] as const) {
      const result = rendererLocation(env, packaged, index)
      expect(result.location).toEqual(file)
      if (why) expect(result.ignored).toMatch(why)
      else expect(result.ignored).toBeNull()
    }
  })
})

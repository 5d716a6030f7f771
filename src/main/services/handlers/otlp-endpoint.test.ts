import { describe, expect, it } from 'vitest'
import { buildOtlpEndpointHandlers } from './otlp-endpoint'

const ingest = { url: 'http://127.0.0.1:4242/v1/traces', token: 'a'.repeat(64) }
const localEngine = { url: 'http://127.0.0.1:4242', adminToken: 'admin', otlpIngest: ingest }

describe('the OTLP endpoint methods', () => {
  it('describes the endpoint without ever giving the token', async () => {
    const h = buildOtlpEndpointHandlers({ localEngine })
    const out = await h.getOtlpEndpoint({})
    expect(out).toEqual({
      available: true,
      url: ingest.url,
      hasToken: true,
      header: 'Authorization: Bearer <token>'
    })
    expect(JSON.stringify(out)).not.toContain(ingest.token)
  })

  it('desktop: copies the token to the clipboard in main, and the answer holds no token', async () => {
    const clipboard: string[] = []
    const h = buildOtlpEndpointHandlers({
      localEngine,
      writeClipboard: (text) => clipboard.push(text)
    })
    const out = await h.copyOtlpIngestToken({})
    expect(out).toEqual({ copied: true })
    expect(clipboard).toEqual([ingest.token])
  })

  it('browser mode: returns the token on this explicit call only, for the page to copy', async () => {
    const h = buildOtlpEndpointHandlers({ localEngine })
    expect(await h.copyOtlpIngestToken({})).toEqual({ copied: false, token: ingest.token })
  })

  it('without a local engine there is no endpoint, and copying says why', async () => {
    const h = buildOtlpEndpointHandlers({ localEngine: null })
    expect(await h.getOtlpEndpoint({})).toMatchObject({
      available: false,
      url: null,
      hasToken: false
    })
    await expect(h.copyOtlpIngestToken({})).rejects.toMatchObject({ error: { code: 'not_found' } })
  })
})

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startEngineHost } from './engine-host'
import { INGEST_TOKEN_FILE, loadOrCreateIngestToken } from './otlp-ingest-token'

describe('the OTLP ingest token of the local engine', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cd-ingest-token-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('is minted once, kept 0600 in the data folder, and the same after a restart', async () => {
    const first = await startEngineHost({ dataDir: dir })
    const token = first.otlpIngest.token
    expect(first.otlpIngest.url).toBe(`${first.url}/v1/traces`)
    // The engine accepts it as a bearer token.
    const res = await fetch(`${first.url}/api/neurorail/v1/identity/missions`, {
      headers: { Authorization: `Bearer ${token}` }
    })
    expect(res.status).toBe(200)
    await first.close()
    const file = path.join(dir, INGEST_TOKEN_FILE)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const second = await startEngineHost({ dataDir: dir })
    try {
      expect(second.otlpIngest.token).toBe(token)
      expect(second.adminToken).not.toBe(first.adminToken)
    } finally {
      await second.close()
    }
  })

  it('replaces a file that is not a token and narrows a readable one to 0600', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'cd-ingest-token-'))
    const file = path.join(d, INGEST_TOKEN_FILE)
    writeFileSync(file, 'not a token\n')
    const minted = await loadOrCreateIngestToken(d)
    expect(minted).toMatch(/^[0-9a-f]{64}$/)
    expect(readFileSync(file, 'utf8').trim()).toBe(minted)
    chmodSync(file, 0o644)
    expect(await loadOrCreateIngestToken(d)).toBe(minted)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    rmSync(d, { recursive: true, force: true })
  })
})

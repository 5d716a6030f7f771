import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tooDeepMarker } from '../../../shared/json-depth'
import { MAX_RESPONSE_DEPTH } from '../../../shared/neurorail/limits'
import { auditEvent } from '../testing/fixtures'
import { listenOnLoopback } from '../testing/loopback'
import { BackendClient } from './backend-client'
import { isBackendError } from './backend-error'

/** A backend that answers every read with something hostile, chosen by path. */
describe('BackendClient against hostile payloads', () => {
  let server: Server
  let client: BackendClient

  // Overrides may break the schema on purpose (that is the point of this backend).
  const audit = (overrides: Record<string, unknown>) => ({
    ...auditEvent({
      audit_id: 'aud_0123456789ab',
      timestamp: '2026-11-23T05:52:19.188524',
      mission_id: 'm_0123456789ab',
      message: 'ok'
    }),
    ...overrides
  })

  beforeAll(async () => {
    const deepJson = `${'{"d":'.repeat(100_000)}1${'}'.repeat(100_000)}`
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      res.setHeader('content-type', 'application/json; charset=utf-8')
      if (path.endsWith('/audit/mission/m_000000000001')) {
        // A 5 MB message with markup and control characters.
        res.end(
          JSON.stringify([
            audit({ message: `<script>alert(1)</script>\u001b[31m${'y'.repeat(5_000_000)}` })
          ])
        )
      } else if (path.endsWith('/audit/mission/m_000000000004')) {
        // 100k levels of nesting inside details.
        res.end(
          `[${JSON.stringify(audit({})).replace('"details":{}', `"details":{"deep":${deepJson}}`)}]`
        )
      } else if (path.endsWith('/audit/mission/m_000000000005')) {
        // 5,000 levels.
        res.end(`[${'['.repeat(5000)}${']'.repeat(5000)}]`)
      } else if (path.endsWith('/audit/mission/m_000000000006')) {
        // 5,000 levels in an error answer.
        res.statusCode = 500
        res.end(`{"detail":${'['.repeat(5000)}${']'.repeat(5000)}}`)
      } else if (path.endsWith('/audit/mission/m_000000000002')) {
        res.end('[{"audit_id": "aud_1", "timestamp": ')
      } else if (path.endsWith('/audit/mission/m_000000000003')) {
        res.end(JSON.stringify([audit({ severity: 'apocalyptic' })]))
      } else if (path.endsWith('/audit/stats')) {
        res.statusCode = 502
        res.setHeader('content-type', 'text/html')
        res.end(
          '<html><head><title>502 Bad Gateway</title></head><body><script>x()</script><center>nginx</center></body></html>'
        )
      } else if (path.includes('/execution/status/')) {
        // Never answers: the client's timeout must end the call.
        return
      } else if (path.endsWith('/governor/info')) {
        res.statusCode = 500
        res.end(
          JSON.stringify({ detail: `<img src=x onerror=alert(1)>\u0007${'z'.repeat(100_000)}` })
        )
      } else {
        res.end(JSON.stringify({ detail: 'x'.repeat(50 * 1024 * 1024) }))
      }
    })
    client = new BackendClient(await listenOnLoopback(server), null, {
      retries: 0,
      maxBodyBytes: 16 * 1024 * 1024
    })
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('parses huge strings without crashing; markup stays text', async () => {
    const events = await client.getMissionAudit('m_000000000001')
    expect(events).toHaveLength(1)
    expect(events[0]?.message.startsWith('<script>alert(1)</script>')).toBe(true)
    expect(events[0]?.timestamp).toBe('2026-11-23T05:52:19.188Z')
  })

  it('cuts an answer nested 5,000 or 100,000 deep at the limit with a marker, keeping the rest', async () => {
    const [deep] = await client.getMissionAudit('m_000000000004')
    let node = deep?.details.deep as Record<string, unknown>
    // [] → event → details → deep → d…: the cut sits where the answer reaches the limit.
    let level = 4
    while (typeof node.d === 'object' && node.d !== null) {
      node = node.d as Record<string, unknown>
      level++
    }
    expect(node.d).toBe(tooDeepMarker(MAX_RESPONSE_DEPTH))
    expect(level).toBe(MAX_RESPONSE_DEPTH)
    expect(deep?.message).toBe('ok')
    // Everything downstream serialises what it gets; a cut answer serialises.
    expect(() => JSON.stringify(deep)).not.toThrow()
    // A bare 5,000-deep list is no audit list: one sentence, no crash.
    const arrays = await client.getMissionAudit('m_000000000005').catch((e: unknown) => e)
    expect(isBackendError(arrays) && arrays.code).toBe('bad_response')
    expect((arrays as Error).message.length).toBeLessThan(300)
    // An error answer that deep is still mapped by its status, in one bounded line.
    const failed = await client.getMissionAudit('m_000000000006').catch((e: unknown) => e)
    expect(isBackendError(failed) && failed.status).toBe(500)
    expect((failed as Error).message.length).toBeLessThan(400)
  })

  it('refuses truncated JSON and wrong shapes with one sentence', async () => {
    const truncated = await client.getMissionAudit('m_000000000002').catch((e: unknown) => e)
    expect(isBackendError(truncated) && truncated.code).toBe('bad_response')
    expect((truncated as Error).message).toBe(
      "The backend's answer to GET /audit/mission/m_000000000002 is not valid JSON"
    )
    const shape = await client.getMissionAudit('m_000000000003').catch((e: unknown) => e)
    expect(isBackendError(shape) && shape.code).toBe('bad_response')
    expect((shape as Error).message).toMatch(
      /^The backend's answer to GET \/audit\/mission\/m_000000000003 did not have the expected shape \(0\.severity: /
    )
  })

  it('keeps error sentences to one bounded line without control characters', async () => {
    const error = await client.getGovernorInfo().catch((e: unknown) => e)
    expect(isBackendError(error)).toBe(true)
    const message = (error as Error).message
    expect(message.length).toBeLessThan(400)
    expect([...message].some((c) => c.charCodeAt(0) < 0x20)).toBe(false)
    expect(message).toContain('<img src=x onerror=alert(1)>')
  })

  it("shows a proxy's HTML error page by its title, never its markup", async () => {
    const error = await client.getAuditStats().catch((e: unknown) => e)
    expect(isBackendError(error) && error.code).toBe('network')
    expect((error as Error).message).toBe('The backend is unavailable (HTTP 502): 502 Bad Gateway')
  })

  it('gives up on a backend that never answers, with a timeout sentence', async () => {
    const slow = new BackendClient(client.baseUrl, null, { retries: 0, timeoutMs: 200 })
    const error = await slow.getExecutionStatus('a_0123456789ab').catch((e: unknown) => e)
    expect(isBackendError(error) && error.code).toBe('timeout')
    expect((error as Error).message).toMatch(
      /^The backend at http:\/\/127\.0\.0\.1:\d+ did not answer within 0\.2 s$/
    )
  })

  it('refuses a body over the size limit instead of buffering it', async () => {
    const error = await client.getTelemetrySnapshot().catch((e: unknown) => e)
    expect(isBackendError(error) && error.code).toBe('bad_response')
    expect((error as Error).message).toBe(
      "The backend's answer is larger than 16 MB and was refused"
    )
  })
})

import { createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listenOnLoopback } from '../testing/loopback'
import { startBlackHole, type BlackHole } from '../testing/black-hole'
import { waitFor } from '../testing/wait'
import { isBackendError } from './backend-error'
import { StaticTokenAuth } from './auth'
import { HttpTransport } from './http'

/** Answers every request with 409 and this body, as a careless backend that echoes the token. */
const ECHOING_BODY = JSON.stringify({
  detail: { code: 'NR-E102', message: 'token 1234 refused', retry_after: 1234, hint: null }
})

describe('HttpTransport', () => {
  const server = createServer((_req, res) => {
    res.writeHead(409, { 'content-type': 'application/json' })
    res.end(ECHOING_BODY)
  })
  let url = ''
  let hole: BlackHole
  beforeAll(async () => {
    url = await listenOnLoopback(server)
    hole = await startBlackHole()
  })
  afterAll(async () => {
    await hole.close()
    await new Promise((resolve) => server.close(resolve))
  })

  it('redacts a short known secret from the strings of an error answer, not its JSON values', async () => {
    for (const token of ['1234', 'null']) {
      const http = new HttpTransport(url, new StaticTokenAuth(token), { retries: 0 })
      const error = await http.send({ method: 'GET', path: '/x' }).catch((e: unknown) => e)
      expect(isBackendError(error) && error.code).toBe('NR-E102')
      const details = isBackendError(error) ? error.details : undefined
      expect(details).toEqual({
        code: 'NR-E102',
        message: token === '1234' ? 'token [redacted] refused' : 'token 1234 refused',
        retry_after: 1234,
        hint: null
      })
    }
  })

  it('cancels a request in flight when its signal aborts, and refuses later ones', async () => {
    const owner = new AbortController()
    // Long timeout and retries: only the abort can end the request within the test.
    const closing = new HttpTransport(hole.url, null, {
      timeoutMs: 600_000,
      retries: 3,
      signal: owner.signal
    })
    const pending = closing.send({ method: 'GET', path: '/capabilities' }).catch((e: unknown) => e)
    await waitFor(() => hole.bytesReceived() > 0, 'the request to arrive')
    owner.abort()
    const error = await pending
    expect(isBackendError(error) && error.code).toBe('network')
    expect((error as Error).message).toMatch(/was cancelled: its environment session closed$/)
    await waitFor(() => hole.waitingRequests() === 0, 'the connection to close')
    const sent = hole.bytesReceived()
    await expect(closing.send({ method: 'GET', path: '/again' })).rejects.toThrow(/cancelled/)
    expect(hole.bytesReceived()).toBe(sent)
  })
})

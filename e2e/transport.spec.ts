/// <reference lib="dom" />
import { expect, openConsole, test } from './fixtures'

test.describe('browser-mode transport', () => {
  test('the shell loads without console errors and drops the token from the address bar', async ({
    page,
    consoleUrl,
    pageErrors
  }) => {
    await openConsole(page, consoleUrl)
    await expect.poll(() => new URL(page.url()).searchParams.has('token')).toBe(false)
    // A reload works from the token kept in sessionStorage.
    await page.reload()
    await expect(page.locator('#root > *').first()).toBeVisible()
    const info = await page.evaluate(async () => {
      const token = sessionStorage.getItem('controldeck.token')
      const res = await fetch('/api/getAppInfo', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}'
      })
      return { status: res.status, body: (await res.json()) as { result: { transport: string } } }
    })
    expect(info.status).toBe(200)
    expect(info.body.result.transport).toBe('browser')
    expect(pageErrors).toEqual([])
  })

  test('a reloaded page ends its live subscription instead of leaving it behind', async ({
    page,
    consoleUrl,
    consoleServer,
    engine
  }) => {
    // Which subscriptions receive a published event (each one is pushed to every page).
    const receivers = async (marker: string): Promise<number> => {
      const ids = new Set<string>()
      const fenced = new Set<string>()
      const off = consoleServer.service.subscribe((name, payload) => {
        const push = payload as { subscriptionId: string; events: Array<{ data: { marker?: unknown } }> }
        if (name !== 'onEvents') return
        if (push.events.some((e) => e.data.marker === marker)) ids.add(push.subscriptionId)
        if (push.events.some((e) => e.data.marker === `fence-${marker}`)) fenced.add(push.subscriptionId)
      })
      try {
        engine.services.store.transaction(() =>
          engine.services.events.publish('signals', 'anomaly_detected', { marker })
        )
        await expect.poll(() => ids.size).toBeGreaterThan(0)
        // A fence instead of a sleep: every subscription queued the marker at once, and pushes at
        // most once per 16 ms in order, so a fence published now is pushed no earlier than every
        // subscription's marker: once one subscription pushed the fence, all pushed the marker.
        engine.services.store.transaction(() =>
          engine.services.events.publish('signals', 'anomaly_detected', { marker: `fence-${marker}` })
        )
        await expect.poll(() => fenced.size).toBeGreaterThan(0)
        return ids.size
      } finally {
        off()
      }
    }
    const live = async () => {
      await expect(page.locator('#root > *').first()).toBeVisible()
      await expect(page.getByTestId('connection-badge')).toHaveAttribute('data-status', 'live', { timeout: 10_000 })
      // The page subscribes right after it connects: its subscription is in place once a probe
      // (sent again until then) shows in its live tail, which holds pushed events only.
      const probe = `probe_${Date.now()}_${Math.random().toString(36).slice(2)}`
      const tail = page.getByTestId('live-tail')
      await expect
        .poll(async () => {
          engine.services.store.transaction(() => engine.services.events.publish('signals', probe, {}))
          return (await tail.textContent()) ?? ''
        }, { timeout: 10_000 })
        .toContain(probe)
    }
    await openConsole(page, consoleUrl)
    await live()
    const before = await receivers('before-reloads')
    for (let i = 0; i < 3; i++) {
      await page.reload()
      await live()
    }
    expect(await receivers('after-reloads')).toBe(before)
  })

  test('the same call without the token gets 401, with bad input 400', async ({
    page,
    consoleUrl,
    consoleServer
  }) => {
    await openConsole(page, consoleUrl)
    const results = await page.evaluate(async (token) => {
      const call = async (headers: Record<string, string>, body: string) => {
        const res = await fetch('/api/getAppInfo', { method: 'POST', headers, body })
        return {
          status: res.status,
          body: (await res.json()) as { error: { code: string; message: string } }
        }
      }
      return {
        none: await call({ 'Content-Type': 'application/json' }, '{}'),
        bad: await call({ Authorization: `Bearer ${token}` }, '[1]')
      }
    }, consoleServer.server.token)
    expect(results.none.status).toBe(401)
    expect(results.none.body.error.code).toBe('unauthorized')
    expect(results.bad.status).toBe(400)
    expect(results.bad.body.error.message).toMatch(/expected object/i)
  })

  test('the page is served with its CSP and no inline script runs', async ({ page, consoleUrl }) => {
    const response = await page.goto(consoleUrl)
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")
    const inlineRan = await page.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'window.__inline = true'
      document.body.append(script)
      return (window as unknown as { __inline?: boolean }).__inline === true
    })
    expect(inlineRan).toBe(false)
  })
})

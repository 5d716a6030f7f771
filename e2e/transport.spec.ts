/// <reference lib="dom" />
import { parseCsp } from '../src/main/services/serve/csp'
import { expect, expectLive, openConsole, publishInEngine, test } from './fixtures'

test.describe('browser-mode transport', () => {
  test('a one-time address signs the browser in with an HttpOnly cookie; history keeps no secret', async ({
    page,
    browser,
    consoleUrl,
    consoleServer,
    pageErrors
  }) => {
    const code = new URL(consoleUrl).searchParams.get('code')!
    await openConsole(page, consoleUrl)
    // The address bar, and with it history, ends on the shell: no code, no token.
    expect(page.url()).toBe(`${consoleServer.server.origin}/`)
    const navigated = await page.evaluate(() =>
      performance.getEntriesByType('navigation').map((e) => e.name)
    )
    expect(navigated).toEqual([`${consoleServer.server.origin}/`])
    const storage = await page.evaluate(
      () => JSON.stringify({ ...sessionStorage, ...localStorage }) + document.cookie
    )
    expect(storage).not.toContain(consoleServer.server.token)
    expect(storage).not.toContain('controldeck_session')
    const [cookie] = await page.context().cookies()
    expect(cookie).toMatchObject({
      name: `controldeck_session_${consoleServer.server.port}`,
      httpOnly: true,
      sameSite: 'Strict'
    })
    expect(cookie?.expires).toBe(-1)
    expect(cookie?.value).not.toContain(code)

    // A reload and a same-origin call work from the cookie alone.
    await page.reload()
    await expect(page.locator('#root > *').first()).toBeVisible()
    const info = await page.evaluate(async () => {
      const res = await fetch('/api/getAppInfo', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}'
      })
      return { status: res.status, body: (await res.json()) as { result: { transport: string } } }
    })
    expect(info.status).toBe(200)
    expect(info.body.result.transport).toBe('browser')
    expect(pageErrors).toEqual([])

    // Whoever finds the address in this browser's history gets nothing from it.
    const other = await browser.newContext()
    try {
      const thief = await other.newPage()
      const answer = await thief.goto(consoleUrl)
      expect(answer?.status()).toBe(401)
      expect(await thief.content()).toContain('already been used or has expired')
      expect(await other.cookies()).toEqual([])
    } finally {
      await other.close()
    }
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
        const push = payload as {
          subscriptionId: string
          events: Array<{ data: { marker?: unknown } }>
        }
        if (name !== 'onEvents') return
        if (push.events.some((e) => e.data.marker === marker)) ids.add(push.subscriptionId)
        if (push.events.some((e) => e.data.marker === `fence-${marker}`))
          fenced.add(push.subscriptionId)
      })
      try {
        publishInEngine(engine, 'signals', 'anomaly_detected', { marker })
        await expect.poll(() => ids.size).toBeGreaterThan(0)
        // A fence instead of a sleep: every subscription queued the marker at once, and pushes at
        // most once per 16 ms in order, so a fence published now is pushed no earlier than every
        // subscription's marker: once one subscription pushed the fence, all pushed the marker.
        publishInEngine(engine, 'signals', 'anomaly_detected', { marker: `fence-${marker}` })
        await expect.poll(() => fenced.size).toBeGreaterThan(0)
        return ids.size
      } finally {
        off()
      }
    }
    const live = async () => {
      await expect(page.locator('#root > *').first()).toBeVisible()
      await expectLive(page)
      // The page subscribes right after it connects: its subscription is in place once a probe
      // (sent again until then) shows in its live tail, which holds pushed events only.
      const probe = `probe_${Date.now()}_${Math.random().toString(36).slice(2)}`
      const tail = page.getByTestId('live-tail')
      await expect
        .poll(
          async () => {
            publishInEngine(engine, 'signals', probe)
            return (await tail.textContent()) ?? ''
          },
          { timeout: 10_000 }
        )
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

  test('the same call without the cookie gets 401, as a form post 403, with bad input 400', async ({
    page,
    consoleUrl
  }) => {
    await openConsole(page, consoleUrl)
    const results = await page.evaluate(async () => {
      const call = async (init: RequestInit) => {
        const res = await fetch('/api/getAppInfo', { method: 'POST', ...init })
        return {
          status: res.status,
          body: (await res.json()) as { error: { code: string; message: string } }
        }
      }
      const json = { 'Content-Type': 'application/json' }
      return {
        none: await call({ headers: json, body: '{}', credentials: 'omit' }),
        // What a forged form post or no-cors fetch looks like: a simple content type.
        simple: await call({ headers: { 'Content-Type': 'text/plain' }, body: '{}' }),
        bad: await call({ headers: json, body: '[1]' })
      }
    })
    expect(results.none.status).toBe(401)
    expect(results.none.body.error.code).toBe('unauthorized')
    expect(results.simple.status).toBe(403)
    expect(results.simple.body.error.code).toBe('forbidden_origin')
    expect(results.bad.status).toBe(400)
    expect(results.bad.body.error.message).toMatch(/expected object/i)
  })

  test('the page is served with its CSP, equal to its meta CSP, and no inline script runs', async ({
    page,
    consoleUrl
  }) => {
    const response = await page.goto(consoleUrl)
    const header = response?.headers()['content-security-policy'] ?? ''
    expect(header).toContain("script-src 'self'")
    // The built page's <meta> says the same (minus frame-ancestors, which only a header can carry).
    const meta = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content')
    const { 'frame-ancestors': frameAncestors, ...fromHeader } = parseCsp(header)
    expect(frameAncestors).toEqual(["'none'"])
    expect(parseCsp(meta ?? '')).toEqual(fromHeader)
    const inlineRan = await page.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'window.__inline = true'
      document.body.append(script)
      return (window as unknown as { __inline?: boolean }).__inline === true
    })
    expect(inlineRan).toBe(false)
  })
})

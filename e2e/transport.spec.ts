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

/// <reference lib="dom" />
// Issue 6.8/6.9: when the backend goes away the dashboards keep showing what the console cached,
// say that they are offline and how old the data is. Uses its own engine, because it stops it.
import {
  engineFetch,
  expect,
  expectCount,
  goTo,
  missionIn,
  openLive,
  seededStackForSuite,
  test
} from './fixtures'

test.describe('a private seeded engine: live transitions, then offline', () => {
  const stack = seededStackForSuite('offline')

  test('a real transition appears live on the lifecycle page and moves the counts', async ({
    page
  }) => {
    const { seed } = stack
    await openLive(page, stack.consoleServer, '#/lifecycle')
    const pending = page.getByTestId('count-mission-pending')
    await expectCount(pending, seed.counts.missionsByState.pending ?? 0)
    const call = async (p: string, body: unknown) => {
      const res = await engineFetch(stack.engine, 'POST', p, body)
      expect(res.ok).toBe(true)
      return (await res.json()) as Record<string, string>
    }
    const m = await call('/identity/mission', { tags: { name: 'live e2e' } })
    await call(`/lifecycle/mission/${m.mission_id}/transition`, {
      entity_id: m.mission_id,
      transition: 'create',
      metadata: {}
    })
    // The stats poll every 10 s; within 4 s only the stream can have moved the count.
    await expectCount(pending, (seed.counts.missionsByState.pending ?? 0) + 1, { timeout: 4000 })
    // …and the diagram's count of create transitions.
    await expect(page.getByTestId('diagram-mission')).toContainText(
      `created: ${seed.missions.length + 1}`,
      { timeout: 4000 }
    )
    const item = page
      .getByTestId('recent-transitions')
      .locator('li', { hasText: m.mission_id })
      .first()
    await expect(item).toContainText('pending')
  })

  test('the backend goes away: cached data stays on screen with its age', async ({ page }) => {
    test.setTimeout(60_000)
    const m2 = missionIn(stack.seed, 'executing')
    await openLive(page, stack.consoleServer)
    // Visit the pages once while online so the console caches what they show.
    await expect(page.getByTestId('count-jobs-active-value')).toHaveText('3')
    await goTo(page, `#/traces/${m2.mission_id}`)
    await expect(page.getByTestId('trace-tree')).toHaveAttribute('data-rows', '8')
    await goTo(page, '#/audit')
    await expect(page.getByTestId('audit-list')).toBeVisible()

    await stack.engine.close()
    await expect(page.getByTestId('connection-badge')).toHaveAttribute('data-status', 'offline', {
      timeout: 20_000
    })
    await expect(page.getByTestId('connection-badge')).toContainText(
      /offline · data (just now|\d+ (s|min|h|d) old)/
    )
    await expect(page.getByTestId('connection-notice')).toBeVisible()

    // A fresh load (nothing in the page's memory) still shows the seeded numbers, from the cache.
    await page.reload()
    await goTo(page, '#/overview')
    await expect(page.getByTestId('connection-badge')).toHaveAttribute('data-status', 'offline', {
      timeout: 10_000
    })
    await expect(page.getByTestId('count-jobs-active-value')).toHaveText('3')
    await expect(page.getByTestId('count-missions-active-value')).toHaveText('1')
    await expect(page.getByTestId('stale-notice')).toContainText(
      /Offline: showing cached data from \d\d:\d\d:\d\d \((just now|\d+ (s|min|h|d) old)\)/
    )

    await goTo(page, `#/traces/${m2.mission_id}`)
    await expect(page.getByTestId('trace-tree')).toHaveAttribute('data-rows', '8')
    await expect(page.getByTestId('stale-notice').first()).toBeVisible()
    await expect(page.getByTestId('connection-notice')).toContainText(/reach/i)
  })
})

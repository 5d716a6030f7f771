/// <reference lib="dom" />
// Issue 14 (items 2–4): the trace explorer's roll-ups, time axis, zoom, terminal bar ends,
// critical path and search, on the seeded engine. Expected sums come from the seed summary.
import type { Locator } from '@playwright/test'
import { expect, missionIn, openTrace, SCREENSHOT_DIR, test } from './fixtures'

/** Expects the rows of `on` and none of `off` on the tree's marked critical path. */
async function expectCritical(tree: Locator, on: string[], off: string[]): Promise<void> {
  for (const id of on)
    await expect(tree.locator(`[data-entity-id="${id}"]`)).toHaveAttribute('data-critical', 'true')
  for (const id of off)
    await expect(tree.locator(`[data-entity-id="${id}"]`)).not.toHaveAttribute(
      'data-critical',
      'true'
    )
}

test.describe('trace explorer: time, roll-ups, critical path, search', () => {
  test('roll-ups and durations: a completed mission sums its jobs and has a duration', async ({
    page,
    consoleUrl,
    seed
  }) => {
    const m1 = missionIn(seed, 'completed')
    const tree = await openTrace(page, consoleUrl, m1.mission_id)
    const missionRow = tree.locator(`[data-entity-id="${m1.mission_id}"]`)
    // The seed's two llm_call jobs of this mission reported 1,200 + 800 tokens on their attempts.
    await expect(missionRow.getByTestId('row-duration')).toContainText('2K tok · 0.04 cr')
    await expect(missionRow.getByTestId('row-duration')).toHaveText(/^\d[\d.,]* (ms|s|min|h) · /)
    await expect(page.getByTestId('trace-rollup')).toContainText(
      '2,000 tokens · 0.04 credits · 4 attempts · 1 retry · 0 violations'
    )
    for (const j of m1.jobs)
      await expect(
        tree.locator(`[data-entity-id="${j.job_id}"]`).getByTestId('row-duration')
      ).toHaveText(/^\d[\d.,]* (ms|s) · /)
    await page.screenshot({ path: `${SCREENSHOT_DIR}/trace-rollups.png` })
  })

  test('time axis: labelled ruler with ticks, keyboard zoom and pan, minimap window', async ({
    page,
    consoleUrl,
    seed
  }) => {
    const m1 = missionIn(seed, 'completed')
    await openTrace(page, consoleUrl, m1.mission_id)
    const axis = page.getByTestId('time-axis')
    await expect(axis).toHaveAttribute('aria-label', /^Time axis of the trace/)
    await expect(page.getByTestId('time-tick').first()).toHaveText('0')
    await expect.poll(() => page.getByTestId('time-tick').count()).toBeGreaterThanOrEqual(2)
    const windowBox = async () => (await page.getByTestId('minimap-window').boundingBox())!
    const fullWidth = (await windowBox()).width
    const before = await axis.getAttribute('aria-valuetext')
    await axis.focus()
    await page.keyboard.press('+')
    await expect(axis).not.toHaveAttribute('aria-valuetext', before!)
    await expect.poll(async () => (await windowBox()).width).toBeLessThan(fullWidth * 0.6)
    const zoomed = await axis.getAttribute('aria-valuetext')
    await page.keyboard.press('ArrowRight')
    await expect(axis).not.toHaveAttribute('aria-valuetext', zoomed!)
    await page.screenshot({ path: `${SCREENSHOT_DIR}/trace-zoomed.png` })
    // From the tree too: 0 shows everything again, - cannot zoom out beyond it.
    await page.getByTestId('trace-tree').focus()
    await page.keyboard.press('0')
    await expect(axis).toHaveAttribute('aria-valuetext', before!)
    await page.keyboard.press('+')
    await expect(axis).not.toHaveAttribute('aria-valuetext', before!)
    await page.keyboard.press('-')
    await expect(axis).toHaveAttribute('aria-valuetext', before!)
  })

  test("terminal states: a failed job's bar ends at its failure, a running one reaches now", async ({
    page,
    consoleUrl,
    seed
  }) => {
    const m2 = missionIn(seed, 'executing')
    const failed = m2.jobs.find((j) => j.state === 'failed_mechanical')!
    const running = m2.jobs.find((j) => j.state === 'running')!
    const tree = await openTrace(page, consoleUrl, m2.mission_id)
    const failedRow = tree.locator(`[data-entity-id="${failed.job_id}"]`)
    await expect(failedRow.locator('.wbar')).toHaveCount(6)
    await expect(failedRow.locator('.wbar.open')).toHaveCount(0)
    await expect(tree.locator(`[data-entity-id="${running.job_id}"] .wbar.open`)).toHaveCount(1)
    // The mission still runs, so the axis reaches now: the failed bar stops well short of the edge.
    // Measure once the running job's own history is drawn (more than the one roll-up span bar) and
    // the roll-ups are in, so the axis has all its points. Each read is bounded: a bar re-rendered
    // away between listing and measuring makes the poll try again instead of waiting out the test.
    await expect
      .poll(() => tree.locator(`[data-entity-id="${running.job_id}"] .wbar`).count())
      .toBeGreaterThan(1)
    await expect(page.getByTestId('trace-rollup')).toBeVisible()
    const gap = async (sel: string) => {
      const last = await tree.locator(sel).last().boundingBox({ timeout: 1000 })
      const cell = await tree
        .locator(`[data-entity-id="${failed.job_id}"] .wcell`)
        .boundingBox({ timeout: 1000 })
      return last && cell ? cell.x + cell.width - (last.x + last.width) : NaN
    }
    await expect.poll(() => gap(`[data-entity-id="${running.job_id}"] .wbar`)).toBeLessThan(2)
    await expect.poll(() => gap(`[data-entity-id="${failed.job_id}"] .wbar`)).toBeGreaterThan(5)
    await expect(failedRow.getByTestId('row-duration')).not.toContainText('running')
  })

  test('critical path: the last job to finish, or by cost the costliest job', async ({
    page,
    consoleUrl,
    seed
  }) => {
    const m1 = missionIn(seed, 'completed')
    const [first, second, third] = m1.jobs.map((j) => j.job_id)
    if (!first || !second || !third) throw new Error(`Expected three jobs in ${m1.mission_id}`)
    const tree = await openTrace(page, consoleUrl, m1.mission_id)
    const critical = tree.locator('[data-critical="true"]')
    // mission → plan → the last job (the 800-token llm_call, finished last) → its attempt.
    await expect(critical.first()).toHaveAttribute('data-entity-id', m1.mission_id)
    await expectCritical(tree, [third], [first])
    await page.screenshot({ path: `${SCREENSHOT_DIR}/trace-critical-time.png` })
    await page.getByTestId('critical-by-cost').check()
    // By cost: the first llm_call (1,200 tokens, 0.024 credits) is where the money went.
    await expectCritical(tree, [first], [third, second])
    await page.screenshot({ path: `${SCREENSHOT_DIR}/trace-critical-cost.png` })
  })

  test('search inside a trace: matches highlighted, stepped with Enter, Shift+Enter, n and N', async ({
    page,
    consoleUrl,
    seed
  }) => {
    const m1 = missionIn(seed, 'completed')
    const llmJobs = m1.jobs.filter((j) => j.job_type === 'llm_call')
    const [llm1, llm2] = llmJobs.map((j) => j.job_id)
    if (!llm1 || !llm2) throw new Error(`Expected two llm_call jobs in ${m1.mission_id}`)
    const tree = await openTrace(page, consoleUrl, m1.mission_id)
    await expect(tree).toHaveAttribute('data-rows', /\d+/)
    // Keyboard only: / from the tree focuses the search.
    await tree.focus()
    await page.keyboard.press('/')
    const search = page.getByTestId('trace-search')
    await expect(search).toBeFocused()
    await page.keyboard.type('llm_call')
    const status = page.getByTestId('trace-search-status')
    await expect(status).toContainText(`${llmJobs.length} matches`)
    await expect(tree.locator('[data-match]')).toHaveCount(llmJobs.length)
    await page.keyboard.press('Enter')
    await expect(status).toContainText(`1 of ${llmJobs.length}`)
    await expect(tree.locator('[data-match="current"]')).toHaveAttribute('data-entity-id', llm1)
    await expect(page.getByTestId('trace-details')).toContainText(llm1)
    await page.keyboard.press('Enter')
    await expect(tree.locator('[data-match="current"]')).toHaveAttribute('data-entity-id', llm2)
    await page.keyboard.press('Shift+Enter')
    await expect(tree.locator('[data-match="current"]')).toHaveAttribute('data-entity-id', llm1)
    await page.keyboard.press('Escape')
    await page.keyboard.press('Escape')
    await expect(tree).toBeFocused()
    // Escape cleared the query; a state and an id work too, stepped with n / N from the tree.
    await page.keyboard.press('/')
    await page.keyboard.type(llm2.slice(0, 8))
    await page.keyboard.press('Escape')
    await expect(status).toHaveText('')
    await search.fill('succeeded')
    await expect(status).toContainText('matches')
    await tree.focus()
    await page.keyboard.press('n')
    await expect(tree.locator('[data-match="current"]')).toHaveCount(1)
    const first = await tree.locator('[data-match="current"]').getAttribute('data-entity-id')
    await page.keyboard.press('n')
    await expect(tree.locator('[data-match="current"]')).not.toHaveAttribute(
      'data-entity-id',
      first!
    )
    await page.keyboard.press('N')
    await expect(tree.locator('[data-match="current"]')).toHaveAttribute('data-entity-id', first!)
    await page.screenshot({ path: `${SCREENSHOT_DIR}/trace-search.png` })
  })
})

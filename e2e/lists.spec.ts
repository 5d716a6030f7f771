/// <reference lib="dom" />
// Issue 14 items 1 and 8: the Traces lists as tables (headers, roll-up figures, sorting, filters in
// the URL, saved views, J/K/Enter/Esc), the palette's completion, and the Lifecycle drill-down, on
// the seeded engine. Expected figures come from the engine's own answers.
import path from 'node:path'
import {
  engineGet,
  expect,
  expectCount,
  goTo,
  itemOf,
  openAt,
  openList,
  SCREENSHOT_DIR,
  test
} from './fixtures'

interface MissionRow {
  mission_id: string
  rollup: {
    tokens: number
    cost: number
    jobs: number
    attempts: number
    durationMs: number | null
  }
}

test.describe('Traces lists and Lifecycle drill-down on the seeded engine', () => {
  test('missions table: headers, roll-up figures, sorting by header click and keyboard', async ({
    page,
    consoleUrl,
    engine,
    seed,
    pageErrors
  }) => {
    const { items } = await engineGet<{ items: MissionRow[] }>(
      engine,
      '/identity/missions?rollups=true&limit=100'
    )
    const table = await openList(page, consoleUrl, 'Missions')
    await expectCount(table, seed.missions.length)
    for (const name of [
      'ID',
      'State',
      'Started',
      'Duration',
      'Jobs',
      'Attempts',
      'Retries',
      'Errors',
      'Tokens',
      'Cost',
      'Tags'
    ]) {
      await expect(table.getByRole('columnheader', { name, exact: true })).toBeVisible()
    }
    await table.getByRole('button', { name: 'Cost' }).click()
    await expect(page).toHaveURL(/sort=cost&dir=desc/)
    await expect(table.getByRole('columnheader', { name: 'Cost' })).toHaveAttribute(
      'aria-sort',
      'descending'
    )
    const costliest = itemOf(
      [...items].sort((a, b) => b.rollup.cost - a.rollup.cost),
      0,
      'listed mission'
    )
    const firstRow = table.getByRole('row').nth(1)
    await expect(firstRow.getByRole('gridcell').first()).toHaveText(costliest.mission_id)
    // The row shows the engine's roll-up: tokens of all the mission's attempts.
    await expect(firstRow.getByRole('gridcell').nth(8)).toHaveText(
      costliest.rollup.tokens.toLocaleString('en-US')
    )
    expect(costliest.rollup.tokens).toBeGreaterThan(0)

    // Keyboard: Enter on a header's button sorts; again flips the direction.
    await table.getByRole('button', { name: 'Tokens' }).focus()
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(/sort=tokens&dir=desc/)
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(/sort=tokens&dir=asc/)
    await expect(table.getByRole('columnheader', { name: 'Tokens' })).toHaveAttribute(
      'aria-sort',
      'ascending'
    )
    await expect(table.getByRole('columnheader', { name: 'Cost' })).toHaveAttribute(
      'aria-sort',
      'none'
    )
    expect(pageErrors).toEqual([])
  })

  test('filters live in the URL, a view is saved by name and shared as a controldeck:// link', async ({
    page,
    consoleUrl,
    seed
  }) => {
    const table = await openList(page, consoleUrl, 'Jobs')
    await expectCount(table, seed.jobs.length)
    await page.getByTestId('filter-text').fill('llm_call')
    await page.getByTestId('filter-text').press('Enter')
    await expect(page).toHaveURL(/kind=jobs&q=llm_call/)
    const llm = seed.jobs.filter((j) => j.job_type === 'llm_call').length
    await expectCount(table, llm)
    await table.getByRole('button', { name: 'Job type' }).click()
    await expect(page.getByTestId('view-link')).toHaveValue(
      'controldeck://traces?kind=jobs&q=llm_call&sort=type&dir=asc'
    )

    await page.getByTestId('view-name').fill('LLM jobs')
    await page.getByRole('button', { name: 'Save view' }).click()
    await expect(page.getByRole('status')).toHaveText('Saved “LLM jobs”.')
    // Elsewhere, then back through the saved view (kept across a reload).
    await goTo(page, '#/traces?kind=missions')
    await page.reload()
    await page
      .getByRole('navigation', { name: 'Saved views' })
      .getByRole('link', { name: 'LLM jobs' })
      .click()
    await expect(page).toHaveURL(/#\/traces\?kind=jobs&q=llm_call&sort=type&dir=asc$/)
    await expectCount(page.getByRole('grid', { name: 'Jobs' }), llm)
  })

  test('J/K move the selection, Enter opens the trace, Esc clears selection then filters', async ({
    page,
    consoleUrl,
    seed
  }) => {
    const table = await openList(page, consoleUrl, 'Jobs', 'state=succeeded')
    await expectCount(table, seed.counts.jobsByState.succeeded)
    const rows = table.getByRole('row')
    await page.keyboard.press('j')
    await expect(table).toBeFocused()
    await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true')
    await page.keyboard.press('j')
    await expect(rows.nth(2)).toHaveAttribute('aria-selected', 'true')
    await page.keyboard.press('k')
    await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true')
    await page.keyboard.press('Escape')
    await expect(table.locator('[aria-selected="true"]')).toHaveCount(0)
    await page.keyboard.press('Escape')
    await expect(page).toHaveURL(/#\/traces\?kind=jobs$/)
    await expectCount(table, seed.jobs.length)

    await table.focus()
    await page.keyboard.press('j')
    const id = await rows.nth(1).getByRole('gridcell').first().innerText()
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(new RegExp(`#/traces/${id}$`))
  })

  test('the palette completes j_ ids and job types from the cache', async ({
    page,
    consoleUrl,
    seed
  }) => {
    // The lists put the seeded jobs in the console's cache.
    await openAt(page, consoleUrl, '#/traces?kind=jobs')
    await expectCount(page.getByRole('grid', { name: 'Jobs' }), seed.jobs.length)
    await page.keyboard.press('Control+k')
    const dialog = page.getByRole('dialog', { name: 'Command palette' })
    await page.getByTestId('palette-input').fill('j_')
    const ids = seed.jobs.map((j) => j.job_id).sort()
    await expect(dialog.getByRole('option').first()).toContainText(`Open trace of job ${ids[0]}`)
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'palette-j_.png') })
    await page.getByTestId('palette-input').fill('tool')
    await expect(dialog.getByRole('option', { name: 'Jobs of type tool_execution' })).toBeVisible()
    await page.getByTestId('palette-input').fill('pause live')
    await expect(dialog.getByRole('option').first()).toHaveText('Pause live updates')
    await page.getByTestId('palette-input').fill('tool')
    await dialog.getByRole('option', { name: 'Jobs of type tool_execution' }).click()
    await expect(page).toHaveURL(/#\/traces\?kind=jobs&jobType=tool_execution$/)
  })

  test('lifecycle: a state and an arrow list their entities, linked to traces, by keyboard too', async ({
    page,
    consoleUrl,
    engine,
    seed
  }) => {
    await openAt(page, consoleUrl, '#/lifecycle')
    await page.getByTestId('node-job-succeeded').click()
    await expect(page).toHaveURL(/#\/lifecycle\?type=job&state=succeeded$/)
    const drill = page.getByTestId('lifecycle-drill')
    await expect(drill.getByRole('heading')).toHaveText('jobs in succeeded')
    const list = drill.getByTestId('drill-list')
    await expectCount(list, seed.counts.jobsByState.succeeded)
    const succeeded = seed.jobs.find((j) => j.state === 'succeeded')!
    await expect(list.getByRole('link', { name: succeeded.job_id })).toHaveAttribute(
      'href',
      `#/traces/${succeeded.job_id}`
    )

    // An arrow, reached with the keyboard: running → succeeded of attempts.
    const stats = await engineGet<{
      transitions: Array<{
        entity_type: string
        from_state: string | null
        to_state: string
        count: number
      }>
    }>(engine, '/lifecycle/stats')
    const edge = stats.transitions.find(
      (t) => t.entity_type === 'attempt' && t.from_state === 'running' && t.to_state === 'succeeded'
    )!
    await page.getByTestId('edge-attempt-running-succeeded').focus()
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(/type=attempt&from=running&to=succeeded/)
    await expect(drill.getByRole('heading')).toHaveText('attempts that went running → succeeded')
    await expectCount(drill.getByTestId('drill-list'), edge.count)
    await page.screenshot({
      path: path.join(SCREENSHOT_DIR, 'lifecycle-drill-edge.png'),
      fullPage: true
    })
    await drill.getByTestId('drill-list').focus()
    await page.keyboard.press('j')
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(/#\/traces\/a_[0-9a-f]{12}$/)
  })
})

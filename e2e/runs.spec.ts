/// <reference lib="dom" />
// Issue 7: local agents end to end in browser mode, through the Runs page. demo:flaky is started
// from the page and its output is watched there; its failures open the engine's circuit breaker,
// and the Reflex page shows it open. demo:greedy goes over its token budget, and the Budget page
// shows the violation (once). A script of our own prints to stdout and stderr until it is stopped
// from the page. The Governor page shows the active and a shadow manifest with their
// disagreements; after demo:slow, the Budget page counts its timeouts.
// Runs on its own engine and console so the seeded dashboards of the other specs stay untouched.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Locator, Page } from '@playwright/test'
import {
  engineFetch,
  expect,
  FAST_DEMO_ENV,
  goTo,
  openAt,
  openConsole,
  openLive,
  ownStackForSuite,
  publishInEngine,
  SCREENSHOT_DIR,
  test
} from './fixtures'

const stack = ownStackForSuite('runs', { log: true, env: FAST_DEMO_ENV })
const dirs: string[] = []

test.afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

/** Starts what is picked on the Runs page and returns the new run's list item. */
async function startFromPage(page: Page, choice: string, scriptPath?: string): Promise<Locator> {
  const list = page.getByTestId('run-list')
  // Wait for the list to load (or to say it is empty) before counting its runs.
  await expect(list.or(page.getByText('No local runs yet'))).toBeVisible()
  const before = (await list.count()) ? await list.locator(':scope > li').count() : 0
  await page.getByTestId(`run-choice-${choice}`).check()
  if (scriptPath) await page.getByTestId('run-path').fill(scriptPath)
  await page.getByTestId('run-start-button').click()
  await expect(list.locator(':scope > li')).toHaveCount(before + 1, { timeout: 10_000 })
  // Running first, then newest: the new run is the first one still running, or the newest overall.
  return list
    .locator(':scope > li')
    .filter({ hasText: scriptPath ? path.basename(scriptPath) : choice })
    .first()
}

test.describe('local runs', () => {
  test('a demo agent started from the Runs page opens a circuit breaker that the Reflex page shows', async ({
    page,
    pageErrors
  }) => {
    await openConsole(page, stack.consoleServer)
    await page.getByTestId('nav-runs').click()
    await expect(page.getByRole('heading', { level: 1, name: 'Runs' })).toBeVisible()
    await expect(page.getByText('No local runs yet')).toBeVisible()

    const flaky = await startFromPage(page, 'demo:flaky')
    const trace = flaky.getByTestId('run-trace')
    await expect(trace).toHaveText(/^trace m_[0-9a-f]{12}$/, { timeout: 10_000 })
    const missionId = (await trace.textContent())!.replace('trace ', '')
    expect(missionId).toMatch(/^m_[0-9a-f]{12}$/)
    await expect(trace).toHaveAttribute('href', `#/traces/${missionId}`)

    // Its output, live, in its pane: the mission first, then the breaker opening.
    const output = flaky.locator('[role="log"]')
    await expect(output).toContainText('circuit tool:weather-api is open', { timeout: 30_000 })
    await expect(output.locator('.line').first()).toHaveText(`mission ${missionId}`)
    await expect(flaky).toHaveAttribute('data-status', 'exited', { timeout: 30_000 })
    await expect(flaky.getByTestId('run-exit')).toHaveText(/^code \d+$/)
    // Child output is text: nothing in the pane is markup.
    await expect(output.locator('img, script, a')).toHaveCount(0)

    await page.getByTestId('nav-reflex').click()
    const card = page.getByTestId('circuit-tool:weather-api')
    await expect(card).toBeVisible({ timeout: 10_000 })
    await expect(card).toContainText(/open/i)
    await expect(card.getByTestId('circuit-failures')).toHaveText('5')
    // Live rows read the engine's fields: no "unknown" anywhere on the page.
    await expect(page.locator('main')).not.toContainText('unknown')

    // The greedy run's token overrun shows on the Budget page once, linked to its attempt.
    await page.getByTestId('nav-runs').click()
    const greedy = await startFromPage(page, 'demo:greedy')
    await expect(greedy).toHaveAttribute('data-status', 'exited', { timeout: 30_000 })
    // A run started from the page has its output open; the toggle hides and shows it.
    const toggle = greedy.getByTestId('run-toggle-output')
    await expect(toggle).toHaveAttribute('aria-expanded', 'true')
    await toggle.click()
    await expect(greedy.locator('[role="log"]')).toHaveCount(0)
    await toggle.click()
    const greedyOutput = greedy.locator('[role="log"]')
    await expect(greedyOutput).toContainText(/BudgetExceededError: NR-E104/)
    await expect(greedyOutput.locator('.line.stderr').first()).toBeVisible()

    await page.getByTestId('nav-budget').click()
    const violations = page.getByTestId('violations-table')
    await expect(violations).toBeVisible({ timeout: 10_000 })
    await expect(violations.getByRole('row').filter({ hasText: 'NR-E104' }).first()).toBeVisible()
    // One violation, one row and a count of one, however many copies of it arrived.
    await expect(violations.locator('.vrow').filter({ hasText: 'NR-E104' })).toHaveCount(1)
    await expect(page.getByTestId('budget-violations-value')).toHaveText('1')
    await expect(page.getByTestId('budget-tokens-value')).toHaveText(/1[,.\u202f]?500/)

    // Overview: the same violation counted once.
    await page.getByTestId('nav-overview').click()
    await expect(page.getByTestId('overview-violations-count')).toHaveText('1')

    // Counts that mean what they say: both agents have exited, so nothing is active. Every job
    // they left in failed_mechanical is given up (retries spent, or refused by the open circuit),
    // and no refused attempt waits in `created`.
    const stats = (await (await engineFetch(stack.engine, 'GET', '/lifecycle/stats')).json()) as {
      states: { job: Record<string, number>; attempt: Record<string, number> }
      jobs_given_up: Record<string, number>
    }
    const waiting = stats.states.job.failed_mechanical ?? 0
    expect(waiting).toBeGreaterThan(0)
    expect(stats.jobs_given_up).toEqual({ failed_mechanical: waiting })
    expect(stats.states.attempt.created).toBeUndefined()
    await expect(page.getByTestId('count-jobs-active-value')).toHaveText('0')
    await expect(page.getByTestId('count-jobs-awaiting-retry-value')).toHaveText('0')
    await expect(page.getByTestId('count-jobs-given-up-value')).toHaveText(String(waiting))
    await expect(page.getByTestId('count-attempts-pending-value')).toHaveText('0')
    await page.screenshot({ path: `${SCREENSHOT_DIR}/runs-overview-counts.png` })
    await page.getByTestId('nav-lifecycle').click()
    await expect(page.getByTestId('lifecycle-jobs-given-up')).toHaveText(String(waiting))
    await expect(page.getByTestId('lifecycle-jobs-awaiting-retry')).toHaveText('0')

    // A job the open circuit refused says so on its trace: the code on its failure and its give-up.
    const jobs = (await (
      await engineFetch(stack.engine, 'GET', `/identity/jobs?mission_id=${missionId}&limit=50`)
    ).json()) as {
      items: Array<{ job_id: string }>
    }
    let refusedJob = ''
    for (const j of jobs.items) {
      const budget = (await (
        await engineFetch(stack.engine, 'GET', `/budget/jobs/${j.job_id}`)
      ).json()) as { gave_up: { code: string } | null }
      if (budget.gave_up?.code === 'NR-E140') refusedJob = j.job_id
    }
    expect(refusedJob).toMatch(/^j_/)
    await goTo(page, `#/traces/${refusedJob}`)
    const details = page.getByTestId('trace-details')
    await expect(details.getByTestId('details-reason')).toContainText('NR-E140')
    await expect(details.getByTestId('details-given-up')).toContainText('NR-E140')
    await expect(details.getByTestId('details-history')).toContainText('Circuit')
    await page.screenshot({ path: `${SCREENSHOT_DIR}/runs-refused-job-trace.png`, fullPage: true })
    expect(pageErrors).toEqual([])
  })

  test('a script of our own: stdout and stderr in its pane, stopped from the page after confirming', async ({
    page,
    pageErrors
  }) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cd-e2e-script-'))
    dirs.push(dir)
    const script = path.join(dir, 'chatty.mjs')
    await writeFile(
      script,
      [
        "console.log('hello from <b>chatty</b>')",
        "console.error('a warning on stderr')",
        'let n = 0',
        'setInterval(() => console.log(`tick ${++n}`), 100)'
      ].join('\n')
    )
    await openAt(page, stack.consoleServer, '#/runs')
    // A relative path is refused before anything starts.
    await page.getByTestId('run-choice-script').check()
    await page.getByTestId('run-path').fill('agents/chatty.mjs')
    await expect(page.getByTestId('run-start-button')).toBeDisabled()
    await expect(page.getByTestId('run-start')).toContainText('The path must be absolute')

    const run = await startFromPage(page, 'script', script)
    await expect(run).toHaveAttribute('data-status', 'running', { timeout: 10_000 })
    const output = run.locator('[role="log"]')
    await expect(output).toContainText('hello from <b>chatty</b>')
    await expect(output.locator('.line.stderr', { hasText: 'a warning on stderr' })).toBeVisible()
    await expect(output).toContainText('tick 3')
    await expect(output.locator('b')).toHaveCount(0)

    // Stop asks first; Cancel leaves it running.
    await run.getByTestId('run-stop').click()
    const dialog = page.getByRole('alertdialog', { name: 'Stop chatty.mjs?' })
    await expect(dialog).toBeVisible()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect(run).toHaveAttribute('data-status', 'running')
    await run.getByTestId('run-stop').click()
    await dialog.getByRole('button', { name: 'Stop' }).click()
    await expect(run).toHaveAttribute('data-status', 'exited', { timeout: 10_000 })
    await expect(run.getByTestId('run-exit')).toHaveText(/signal SIGTERM|code \d+/)
    await expect(output).toContainText('[controldeck]')
    await page.screenshot({ path: `${SCREENSHOT_DIR}/runs-page.png` })
    expect(pageErrors).toEqual([])
  })

  test('governor: the active and the shadow manifest, each with its name, version and rules', async ({
    page
  }) => {
    const put = await engineFetch(stack.engine, 'PUT', '/governor/manifests/shadow', {
      name: 'e2e-candidate',
      version: '2.0.0',
      description: 'stricter rules under test',
      rules: [
        { id: 'llm_rail', match: { job_type: 'llm_call' }, mode: 'rail' },
        { id: 'prod_rail', match: { context: { environment: 'production' } }, mode: 'rail' },
        { id: 'rest_direct', mode: 'direct' }
      ]
    })
    expect(put.ok).toBe(true)
    await openAt(page, stack.consoleServer, '#/governor')
    const active = page.getByTestId('manifest-active')
    await expect(active).toBeVisible()
    await expect(page.getByTestId('manifest-active-version')).toHaveText(/^v.+/)
    await expect(active).toContainText('4 rules')
    const shadow = page.getByTestId('manifest-shadow')
    await expect(page.getByTestId('manifest-shadow-name')).toHaveText('e2e-candidate')
    await expect(page.getByTestId('manifest-shadow-version')).toHaveText('v2.0.0')
    await expect(shadow).toContainText('3 rules')
    await expect(shadow.getByTestId('manifest-shadow-rules').locator('.vrow')).toHaveText([
      /llm_rail/,
      /prod_rail/,
      /rest_direct/
    ])

    // A decision the two manifests disagree on: the built-in rule_1 says rail for personal data,
    // the candidate's rest_direct says direct. It shows under the shadow manifest after a reload.
    const decided = await engineFetch(stack.engine, 'POST', '/governor/decide', {
      job_type: 'tool_execution',
      context: { uses_personal_data: true }
    })
    expect(decided.ok).toBe(true)
    const { disagreement_count: count } = (await (
      await engineFetch(stack.engine, 'GET', '/governor/manifests')
    ).json()) as {
      disagreement_count: number
    }
    expect(count).toBeGreaterThanOrEqual(1)
    await page.reload()
    const disagreements = page.getByTestId('manifest-shadow').getByTestId('shadow-disagreements')
    await expect(disagreements.getByTestId('shadow-disagreement-count')).toHaveText(String(count))
    const newest = disagreements.getByTestId('shadow-disagreement-table').locator('.vrow').first()
    await expect(newest).toContainText('tool_execution')
    await expect(newest).toContainText('mode')
    await expect(newest.getByTestId('disagreement-active')).toContainText('rail')
    await expect(newest.getByTestId('disagreement-active')).toContainText('rule_1')
    await expect(newest.getByTestId('disagreement-shadow')).toContainText('direct')
    await expect(newest.getByTestId('disagreement-shadow')).toContainText('rest_direct')
  })
})

test.describe('local runs: pages after a demo run', () => {
  test('screenshots of Runs, Governor, Overview, Reflex and Budget', async ({
    page,
    pageErrors
  }) => {
    await openLive(page, stack.consoleServer, '#/runs')
    const slow = await startFromPage(page, 'demo:slow')
    await expect(slow).toHaveAttribute('data-status', 'exited', { timeout: 30_000 })
    // The demos rarely run long enough to raise an anomaly; one as the engine publishes it.
    publishInEngine(stack.engine, 'signals', 'anomaly_signal', {
      signal_id: 1,
      signal_type: 'anomaly',
      job_type: 'data_processing',
      entity_id: null,
      metric: 'latency_ms',
      detector: 'ewma',
      value: 812,
      score: 4.1,
      baseline: 120,
      hint: 'data_processing attempts run much longer than usual; check the slow worker'
    })
    for (const p of ['runs', 'governor', 'overview', 'reflex', 'budget']) {
      await goTo(page, `#/${p}`)
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
      await page.waitForTimeout(600)
      await page.screenshot({ path: `${SCREENSHOT_DIR}/runs-after-${p}.png`, fullPage: true })
      if (p === 'budget') {
        // The SDK enforces demo:slow's timeouts itself; the engine records each as NR-E100.
        await expect(page.getByTestId('budget-timeouts-value')).toHaveText(/^[1-9]\d*$/, {
          timeout: 10_000
        })
      }
      if (p === 'overview') {
        // The lower half: failures, violations, anomaly signals, live tail.
        await page.locator('main.page').evaluate((el) => el.scrollTo(0, el.scrollHeight))
        await page.screenshot({ path: `${SCREENSHOT_DIR}/runs-after-overview-lower.png` })
      }
    }
    expect(pageErrors).toEqual([])
  })
})

/// <reference lib="dom" />
// Issue 6: every dashboard against the seeded engine, asserting the seeded numbers; live events;
// hostile text rendered as text. Expected values come from the seed summary or, where the
// engine computes them (telemetry), from the engine's own REST answer.
import { readFile } from 'node:fs/promises'
import { XSS_MESSAGE } from '../src/engine/seed'
import {
  engineGet,
  expect,
  expectCount,
  goTo,
  itemOf,
  missionIn,
  openAt,
  openLive,
  openTrace,
  publishInEngine,
  SCREENSHOT_DIR,
  test
} from './fixtures'

const TERMINAL = {
  mission: ['completed', 'failed', 'timeout', 'cancelled'],
  job: ['succeeded', 'failed_ethical', 'timeout', 'cancelled'],
  attempt: ['succeeded', 'failed_timeout', 'failed_resource', 'failed_error']
}
const INITIAL = { mission: 'pending', job: 'pending', attempt: 'created' }

/** "Active" as the overview defines it: neither the initial state nor a terminal one. */
function active(type: keyof typeof TERMINAL, byState: Record<string, number>): number {
  return Object.entries(byState)
    .filter(([s]) => s !== INITIAL[type] && !TERMINAL[type].includes(s))
    .reduce((a, [, n]) => a + n, 0)
}

test.describe('dashboards on the seeded engine', () => {
  test('overview shows the seeded counts, error rate and p95, each linking to its dashboard', async ({
    page,
    consoleUrl,
    seed,
    engine
  }) => {
    const { counts } = seed
    await openAt(page, consoleUrl, '#/overview')
    await expect(page.getByTestId('count-missions-active-value')).toHaveText(
      String(active('mission', counts.missionsByState))
    )
    await expect(page.getByTestId('count-missions-pending-value')).toHaveText(
      String(counts.missionsByState.pending ?? 0)
    )
    await expect(page.getByTestId('count-jobs-active-value')).toHaveText(
      String(active('job', counts.jobsByState))
    )
    await expect(page.getByTestId('count-attempts-active-value')).toHaveText(
      String(active('attempt', counts.attemptsByState))
    )
    const failedAttempts = Object.entries(counts.attemptsByState)
      .filter(([s]) => s.startsWith('failed'))
      .reduce((a, [, n]) => a + n, 0)
    await expect(page.getByTestId('count-attempts-failed-value')).toHaveText(String(failedAttempts))
    // The seed: 1 executing mission, 3 active jobs (running, ready, failed_mechanical), 1 running attempt.
    expect(active('mission', counts.missionsByState)).toBe(1)
    expect(active('job', counts.jobsByState)).toBe(3)
    // Its failed_mechanical job has retries left (1 of 3 used): awaiting retry, not given up.
    await expect(page.getByTestId('count-jobs-awaiting-retry-value')).toHaveText('1')
    await expect(page.getByTestId('count-jobs-given-up-value')).toHaveText('0')

    const snap = await engineGet<{ error_rate_1h: number; p95_latency_1h_ms: number }>(
      engine,
      '/telemetry/snapshot'
    )
    const pct = `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(snap.error_rate_1h * 100)} %`
    await expect(page.getByTestId('overview-error-rate-value')).toHaveText(pct)
    await expect(page.getByTestId('overview-p95-value')).not.toHaveText('…')

    // Recent failures list the seeded timed-out attempt twice, each row linking to its trace: its
    // transition to failed_timeout and the NR-E100 budget violation the engine records for it.
    const failedAttempt = seed.attempts.find((a) => a.state === 'failed_timeout')!
    const attemptLinks = page
      .getByTestId('overview-failures')
      .getByRole('link', { name: failedAttempt.attempt_id })
    await expect(attemptLinks).toHaveCount(2)
    for (const link of await attemptLinks.all()) {
      await expect(link).toHaveAttribute('href', `#/traces/${failedAttempt.attempt_id}`)
    }
    // Numbers link to their dashboards.
    await page.getByTestId('count-jobs-active-value').click()
    await expect(page).toHaveURL(/#\/traces\?kind=jobs$/)
    await expectCount(page.getByTestId('entity-list'), seed.jobs.length)
  })

  test('trace explorer: deep-linked mission tree, waterfall, retries, details and JSON export', async ({
    page,
    consoleUrl,
    seed,
    pageErrors
  }) => {
    const m2 = missionIn(seed, 'executing')
    const attempts = seed.attempts.filter((a) => m2.jobs.some((j) => j.job_id === a.job_id))
    const tree = await openTrace(page, consoleUrl, m2.mission_id)
    // mission + plan + its jobs + their attempts, all expanded.
    await expect(tree).toHaveAttribute('data-rows', String(2 + m2.jobs.length + attempts.length))
    expect(2 + m2.jobs.length + attempts.length).toBe(8)
    const retried = m2.jobs.find((j) => j.state === 'failed_mechanical')!
    const row = tree.locator(`[data-entity-id="${retried.job_id}"]`)
    await expect(row).toContainText('failed (mechanical)')
    // Its waterfall bar shows the retry: running, failed, running again, failed.
    await expect(row).toContainText('1 retry')
    await expect(row.locator('.wbar')).toHaveCount(6)

    // Selecting shows the record, state and full transition history.
    await row.click()
    const details = page.getByTestId('trace-details')
    await expect(details).toContainText(retried.job_id)
    await expect(
      details.getByTestId('details-history').locator('tbody tr:not(.reason)')
    ).toHaveCount(6)
    await expect(details).toContainText('tool_execution')

    // Keyboard: Down moves the cursor, Left collapses the mission.
    await tree.focus()
    await page.keyboard.press('Home')
    await page.keyboard.press('ArrowLeft')
    await expect(tree).toHaveAttribute('data-rows', '1')
    await page.keyboard.press('ArrowRight')
    await expect(tree).toHaveAttribute('data-rows', '8')

    // Export as JSON: the downloaded tree holds the same entities.
    const download = page.waitForEvent('download')
    await page.getByTestId('trace-export').click()
    const file = await (await download).path()
    const exported = JSON.parse(await readFile(file, 'utf8')) as {
      entityId: string
      tree: { children: Array<{ children: unknown[] }> }
    }
    expect(exported.entityId).toBe(m2.mission_id)
    expect(exported.tree.children[0]?.children).toHaveLength(m2.jobs.length)
    expect(pageErrors).toEqual([])
  })

  test('trace explorer: an attempt id shows its chain up to the mission', async ({
    page,
    consoleUrl,
    seed
  }) => {
    const a = seed.attempts.find((x) => x.state === 'failed_timeout')!
    const job = seed.jobs.find((j) => j.job_id === a.job_id)!
    await openAt(page, consoleUrl, '#/traces')
    await page.getByTestId('trace-lookup').fill(a.attempt_id)
    await page.getByRole('button', { name: 'Open trace' }).click()
    const chain = page.getByTestId('trace-chain')
    const plan = itemOf(
      seed.plans,
      seed.missions.findIndex((m) => m.mission_id === job.mission_id),
      'plan'
    )
    await expect(chain.getByRole('link')).toHaveText([
      job.mission_id,
      plan,
      job.job_id,
      a.attempt_id
    ])
    await expect(page.getByTestId('trace-details')).toContainText('failed (timeout)')
    // The tree starts from the mission but selects the attempt that was asked for.
    const attemptRow = page.getByTestId('trace-tree').locator(`[data-entity-id="${a.attempt_id}"]`)
    await expect(attemptRow).toHaveAttribute('aria-selected', 'true')
    await expect(attemptRow).toHaveClass(/cursor/)

    // A resource id (r_) walks up through all five levels.
    const r = itemOf(seed.resources, 0, 'seeded resource')
    await page.getByTestId('trace-lookup').fill(r)
    await page.getByRole('button', { name: 'Open trace' }).click()
    await expect(chain.getByRole('link')).toHaveCount(5)
    await expect(chain.getByRole('link').last()).toHaveText(r)
  })

  test('lists of missions and jobs filter by state from the paged API', async ({
    page,
    consoleUrl,
    seed
  }) => {
    await openAt(page, consoleUrl, '#/traces?kind=missions')
    await expectCount(page.getByTestId('entity-list'), seed.missions.length)
    await page.getByRole('link', { name: 'Jobs' }).click()
    await page.getByTestId('filter-state').selectOption('succeeded')
    await expect(page).toHaveURL(/state=succeeded/)
    await expectCount(page.getByTestId('entity-list'), seed.counts.jobsByState.succeeded)
    await expect(page.getByTestId('entity-list').locator('[data-state]')).toHaveText(
      Array(seed.counts.jobsByState.succeeded).fill('succeeded')
    )
    // job_type narrows further (Enter applies it).
    await page.getByLabel('Job type').fill('llm_call')
    await page.getByLabel('Job type').press('Enter')
    await expect(page).toHaveURL(/jobType=llm_call/)
    const expected = seed.jobs.filter(
      (j) => j.state === 'succeeded' && j.job_type === 'llm_call'
    ).length
    await expectCount(page.getByTestId('entity-list'), expected)
    expect(expected).toBeLessThan(seed.counts.jobsByState.succeeded ?? 0)
  })

  test('lifecycle shows the seeded count of every state on the cards and the diagram', async ({
    page,
    consoleUrl,
    seed
  }) => {
    await openAt(page, consoleUrl, '#/lifecycle')
    const byType = {
      mission: seed.counts.missionsByState,
      job: seed.counts.jobsByState,
      attempt: seed.counts.attemptsByState
    }
    for (const [type, byState] of Object.entries(byType)) {
      for (const [state, n] of Object.entries(byState)) {
        await expectCount(page.getByTestId(`count-${type}-${state}`), n)
        await expectCount(page.getByTestId(`diagram-${type}`).locator(`[data-state="${state}"]`), n)
      }
    }
    // Running jobs list holds the one running job.
    const running = seed.jobs.filter((j) => j.state === 'running')
    await expect(page.getByTestId('active-jobs').getByRole('link')).toHaveText(
      running.map((j) => j.job_id)
    )
  })

  test('audit log: seeded total, filters, hostile text rendered as text, a row opens its trace', async ({
    page,
    consoleUrl,
    seed,
    engine
  }) => {
    let dialogs = 0
    page.on('dialog', (d) => {
      dialogs++
      void d.dismiss()
    })
    const stats = await engineGet<{ total_events: number }>(engine, '/audit/stats')
    expect(stats.total_events).toBeGreaterThanOrEqual(seed.counts.auditEvents)
    await openAt(page, consoleUrl, '#/audit')
    await expect(page.getByTestId('audit-total')).toHaveText(
      `${new Intl.NumberFormat('en-US').format(stats.total_events)} events`
    )

    // Filter to safety events: the hostile note is there, as text.
    await page.getByTestId('audit-filter-category').selectOption('safety')
    const row = page.locator(`[data-audit-id="${seed.xssAuditId}"]`)
    await expect(row.locator('.audit-message')).toHaveText(XSS_MESSAGE)
    await expect(page.getByTestId('audit-list').locator('img, script')).toHaveCount(0)
    expect(dialogs).toBe(0)

    // Free-text search.
    await page.getByTestId('audit-filter-category').selectOption('')
    await page.getByTestId('audit-filter-text').fill('Quarterly report delivered')
    await page.keyboard.press('Enter')
    await expectCount(page.getByTestId('audit-list'), 1)
    // The row opens its mission's trace.
    await page.getByTestId('audit-list').locator('[data-audit-id]').first().click()
    await expect(page).toHaveURL(
      new RegExp(`#/traces/${itemOf(seed.missions, 0, 'seeded mission').mission_id}$`)
    )
  })

  test('governor: seeded decisions, active rules, and a decision from the form', async ({
    page,
    consoleUrl,
    seed
  }) => {
    const decisions = page.getByTestId('decisions-table')
    await openAt(page, consoleUrl, '#/governor')
    await expectCount(decisions, seed.counts.decisions)
    for (const id of seed.decisions) await expect(decisions).toContainText(id)
    await expect(page.getByTestId('governor-rules').locator('.vrow')).toHaveCount(4)
    await page.getByTestId('decide-job-type').fill('llm_call')
    await page.getByTestId('decide-submit').click()
    await expect(page.getByTestId('decide-result')).toContainText('rail')
    await expect(page.getByTestId('decide-result')).toContainText('rule_0')
    await expectCount(decisions, seed.counts.decisions + 1)
  })

  test('budget: seeded tokens and cost; live enforcement and reflex events appear', async ({
    page,
    consoleUrl,
    seed,
    engine,
    pageErrors
  }) => {
    await openLive(page, consoleUrl, '#/budget')
    await expect(page.getByTestId('budget-tokens-value')).toHaveText(
      new Intl.NumberFormat('en-US').format(seed.counts.llmTokens)
    )
    const job = itemOf(seed.jobs, 0, 'seeded job').job_id
    // Publish enforcement events straight into the engine's stream.
    const publish = (channel: string, type: string, data: Record<string, unknown>) =>
      publishInEngine(engine, channel, type, data)
    publish('enforcement', 'timeout_enforced', { job_id: job, grace_period_invoked: true })
    publish('enforcement', 'parallelism_rejected', { job_id: job, limit: 5, current: 5 })
    publish('enforcement', 'budget_violation', {
      violation_type: 'cost',
      job_id: job,
      limit: 1,
      consumed: 1.5,
      message: 'cost over budget'
    })
    await expect(page.getByTestId('budget-timeouts')).toContainText('1 live, 1 with grace period')
    await expect(page.getByTestId('budget-rejections')).toContainText('1 live')
    await expect(page.getByTestId('budget-charts')).toBeVisible()
    const violations = page.getByTestId('violations-table')
    await expect(violations).toContainText('cost over budget')
    await expect(violations.getByRole('link', { name: job })).toHaveAttribute(
      'href',
      `#/traces/${job}`
    )

    publish('reflex', 'circuit_state_changed', {
      circuit_id: 'e2e-llm',
      to_state: 'open',
      failure_count: 5,
      success_count: 0
    })
    publish('reflex', 'reflex_action_executed', {
      job_id: job,
      action_type: 'suspend',
      reason: 'e2e',
      success: true
    })
    await page.getByTestId('nav-reflex').click()
    const card = page.getByTestId('circuit-e2e-llm')
    await expect(card).toContainText('open')
    await expect(card.getByTestId('circuit-failures')).toHaveText('5')
    await expect(card.getByTestId('circuit-countdown')).toHaveText(/^\d+ s$/)
    await expect(page.getByTestId('held-jobs')).toContainText(job)
    await expect(page.getByTestId('reflex-action-list')).toContainText('suspend')
    // No CSP violation or render error along the way (charts included).
    expect(pageErrors).toEqual([])
  })

  test('reflex: an operator suspends a job (confirmed); an early resume is refused with the reason', async ({
    page,
    consoleUrl,
    seed
  }) => {
    const job = seed.jobs.find((j) => j.state === 'ready')!.job_id
    await openAt(page, consoleUrl, '#/reflex')
    await page.getByLabel('Job id to suspend').fill(job)
    await page.getByRole('button', { name: 'Suspend' }).click()
    const dialog = page.getByRole('alertdialog', { name: `Suspend job ${job}?` })
    await expect(dialog).toBeVisible()
    // Focus stays inside the confirmation (Tab wraps), and Escape hands it back to the button.
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
    await page.keyboard.press('Tab')
    await expect(dialog.getByRole('button', { name: 'Suspend' })).toBeFocused()
    await page.keyboard.press('Tab')
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
    await page.keyboard.press('Shift+Tab')
    await expect(dialog.getByRole('button', { name: 'Suspend' })).toBeFocused()
    await page.keyboard.press('Escape')
    await expect(dialog).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Suspend' })).toBeFocused()
    await page.getByRole('button', { name: 'Suspend' }).click()
    // Cancel first: nothing happens.
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect(page.getByTestId('held-jobs')).toHaveCount(0)
    await page.getByRole('button', { name: 'Suspend' }).click()
    await dialog.getByRole('button', { name: 'Suspend' }).click()
    const held = page.getByTestId('held-jobs').getByRole('row').filter({ hasText: job })
    await expect(held).toContainText('suspended')
    await expect(held).toContainText(/\d+ s|min/)
    // The engine enforces the cooldown: an early resume is refused, and the dialog says why.
    await held.getByRole('button', { name: 'Resume' }).click()
    const resume = page.getByRole('alertdialog', { name: `Resume job ${job}?` })
    await resume.getByRole('button', { name: 'Resume' }).click()
    await expect(resume.getByRole('alert')).toContainText(/cooldown ends in \d+ s/)
    await resume.getByRole('button', { name: 'Cancel' }).click()
    await expect(held).toContainText('suspended')
  })

  test('overview lists anomaly signals; reflex live rows read the engine fields, once each', async ({
    page,
    consoleUrl,
    seed,
    engine,
    pageErrors
  }) => {
    await openLive(page, consoleUrl, '#/overview')
    const publish = (channel: string, type: string, data: Record<string, unknown>) =>
      publishInEngine(engine, channel, type, data)
    publish('signals', 'anomaly_signal', {
      signal_id: 99_001,
      signal_type: 'anomaly',
      job_type: 'e2e_job',
      entity_id: itemOf(seed.attempts, 0, 'seeded attempt').attempt_id,
      metric: 'latency_ms',
      detector: 'zscore',
      value: 4200,
      score: 5.25,
      baseline: 300,
      hint: 'e2e_job attempts take far longer than usual'
    })
    const signals = page.getByTestId('signals-table')
    await expect(signals).toContainText('e2e_job attempts take far longer than usual')
    await expect(signals).toContainText('latency_ms')
    await expect(signals).toContainText('5.25')

    // A trigger activation and its action, each streamed twice (reflex event and audit row whose
    // details are the event's data), as the engine does.
    const job = itemOf(seed.jobs, 2, 'seeded job').job_id
    const trigger = {
      trigger_id: 'trigger:e2e_job',
      reason: 'error_rate',
      error_rate: 0.75,
      sample_count: 8,
      budget_violations: 0,
      activation_count: 1
    }
    publish('reflex', 'trigger_activated', {
      ...trigger,
      job_id: job,
      code: 'NR-E141',
      message: 'Trigger trigger:e2e_job fired'
    })
    publish('audit', 'trigger_activated', {
      audit_id: 'e2e-aud-1',
      job_id: job,
      message: 'NR-E141 Trigger trigger:e2e_job fired',
      details: {
        ...trigger,
        job_id: job,
        code: 'NR-E141',
        message: 'Trigger trigger:e2e_job fired'
      }
    })
    const action = {
      action_id: 99_002,
      job_id: job,
      action_type: 'alert',
      reason: 'e2e alert',
      success: true,
      trigger_id: 'trigger:e2e_job',
      actor: 'reflex',
      details: {}
    }
    publish('reflex', 'reflex_action_executed', action)
    publish('audit', 'reflex_action_executed', {
      audit_id: 'e2e-aud-2',
      job_id: job,
      message: `Reflex alert on ${job} done: e2e alert`,
      details: action
    })
    await page.getByTestId('nav-reflex').click()
    const triggers = page.getByTestId('trigger-list')
    await expect(triggers.getByRole('row').filter({ hasText: 'trigger:e2e_job' })).toHaveCount(1)
    await expect(triggers.getByRole('row').filter({ hasText: 'trigger:e2e_job' })).toContainText(
      '75 %'
    )
    const actions = page.getByTestId('reflex-action-list')
    await expect(actions.getByRole('row').filter({ hasText: 'e2e alert' })).toHaveCount(1)
    await expect(actions.getByRole('row').filter({ hasText: 'e2e alert' })).toContainText(
      'trigger:e2e_job'
    )
    await expect(page.locator('main')).not.toContainText('unknown')
    // The palette button names this platform's shortcut (Chromium here runs on Linux).
    await expect(page.getByTestId('palette-button')).toHaveText('Ctrl+K')
    expect(pageErrors).toEqual([])
  })

  test('pause freezes live tails and resume delivers what arrived meanwhile', async ({
    page,
    consoleUrl,
    engine,
    consoleServer
  }) => {
    await openLive(page, consoleUrl, '#/overview')
    const total = page.getByTestId('overview-total-events')
    const publish = () =>
      engine.services.store.transaction(() => {
        for (let i = 0; i < 5; i++)
          engine.services.events.publishExternal('metrics', 'e2e_tick', { i })
      })
    publish()
    await expect(total).not.toHaveText('0')
    const before = Number((await total.textContent())!.replace(/,/g, ''))
    await page.getByTestId('live-toggle').click()
    await expect(page.getByTestId('live-toggle')).toHaveAttribute('aria-pressed', 'true')
    let ticks = 0
    let fences = 0
    const off = consoleServer.service.subscribe((name, payload) => {
      if (name !== 'onEvents') return
      const push = payload as { events: Array<{ event_type: string }> }
      ticks += push.events.filter((e) => e.event_type === 'e2e_tick').length
      fences += push.events.filter((e) => e.event_type === 'e2e_fence').length
    })
    publish()
    // Fences instead of a sleep. Pushes are paced per subscription (one per 16 ms, in order), so
    // an event published after the first push of the ticks goes out after every subscription's
    // ticks; a connection state sent after that one reaches the page after all of them (one
    // stream, in order). Once the page shows it, the ticks are there and must not be counted.
    await expect.poll(() => ticks).toBeGreaterThanOrEqual(5)
    publishInEngine(engine, 'metrics', 'e2e_fence')
    await expect.poll(() => fences).toBeGreaterThanOrEqual(1)
    off()
    const state = (await consoleServer.service.invoke('getConnectionState', {})) as Record<
      string,
      unknown
    >
    consoleServer.service.context.events.emit('onConnectionState', {
      ...state,
      message: 'e2e fence after the ticks'
    } as never)
    await expect(page.getByTestId('overview-connection')).toContainText('e2e fence after the ticks')
    await expect(total).toHaveText(String(before))
    consoleServer.service.context.events.emit('onConnectionState', state as never)
    await page.getByTestId('live-toggle').click()
    // The five ticks and the fence event.
    await expect(total).toHaveText(String(before + 6))
    // The live tail shows them, newest first.
    await expect(page.getByTestId('live-tail').locator('.vrow').first()).toContainText('e2e_fence')
    await expect(page.getByTestId('live-tail').locator('.vrow').nth(1)).toContainText('e2e_tick')
  })
})

test.describe('environments on the seeded console', () => {
  test('add a production environment: red everywhere; read-only disables writes', async ({
    page,
    consoleUrl
  }) => {
    await openAt(page, consoleUrl, '#/environments')
    const table = page.getByTestId('env-table')
    await expect(table.locator('[data-env-id="local"]')).toContainText('built-in')
    // The local engine's token is made at each launch; offering to set it could only fail.
    await expect(
      table.locator('[data-env-id="local"]').getByRole('button', { name: 'Credential' })
    ).toHaveCount(0)
    await page.getByTestId('env-add').click()
    await page.getByTestId('env-name').fill('Prod EU')
    await page.getByTestId('env-url').fill('http://127.0.0.1:9')
    await page.getByRole('checkbox', { name: 'production' }).check()
    await page.getByTestId('env-save').click()
    const row = table.getByRole('row').filter({ hasText: 'Prod EU' })
    await expect(row).toContainText('PROD')
    const id = await row.getAttribute('data-env-id')

    // A credential goes in through a password field and comes back only as "has credential".
    await row.getByRole('button', { name: 'Credential' }).click()
    const secret = 'e2e-secret-token-0123456789'
    const tokenInput = page.getByLabel('Bearer token')
    await expect(tokenInput).toHaveAttribute('type', 'password')
    await tokenInput.fill(secret)
    await page.getByRole('button', { name: 'Save credential' }).click()
    await expect(row).toContainText('has credential')
    expect(await page.content()).not.toContain(secret)

    // Export holds the profile without the secret; importing it again skips the existing one.
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Export JSON' }).click()
    const file = await (await download).path()
    const json = await readFile(file, 'utf8')
    expect(json).toContain('Prod EU')
    expect(json).not.toContain(secret)
    await page.getByLabel('Import environments from a JSON file').setInputFiles(file)
    await expect(page.getByRole('status').filter({ hasText: 'added' })).toContainText(
      '0 added; 1 skipped'
    )
    try {
      // Switch to it: the title bar turns red and says PROD; nothing answers there, so offline.
      await page.getByTestId('env-switcher').selectOption(id!)
      await expect(page.getByTestId('app')).toHaveClass(/production/, { timeout: 10_000 })
      await expect(page.locator('.titlebar .badge.prod')).toHaveText('PROD')
      const stripe = await page
        .locator('.titlebar')
        .evaluate((el) => getComputedStyle(el).borderTopColor)
      expect(stripe).toBe('rgb(200, 30, 30)')
      await expect(page.getByTestId('connection-badge')).toHaveAttribute('data-status', 'offline', {
        timeout: 10_000
      })
      await expect(page.getByTestId('connection-notice')).toContainText('http://127.0.0.1:9')
      // A sentence for a person; the technical reason waits behind "Details".
      await expect(page.getByTestId('connection-notice')).toContainText(
        "Can't reach Prod EU at http://127.0.0.1:9."
      )
      await expect(page.getByTestId('connection-notice')).toContainText('retrying')
      await expect(page.getByTestId('connection-notice-detail')).toBeHidden()
      // Local runs report to the embedded engine: the Runs page says so and does not start any.
      await page.getByTestId('nav-runs').click()
      await expect(page.getByTestId('runs-not-local')).toContainText(
        'Local runs need the Local engine'
      )
      await expect(page.getByTestId('run-start-button')).toBeDisabled()
      await page.getByTestId('nav-environments').click()
    } finally {
      await page.getByTestId('env-switcher').selectOption('local')
      await expect(page.getByTestId('app')).not.toHaveClass(/production/)
    }

    // Read-only local environment: the governor's decide button is disabled and says why.
    await row.getByRole('button', { name: 'Remove' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click()
    await expect(table.getByRole('row').filter({ hasText: 'Prod EU' })).toHaveCount(0)
    await table.locator('[data-env-id="local"]').getByRole('button', { name: 'Edit' }).click()
    await page.getByTestId('env-readonly').check()
    await page.getByTestId('env-save').click()
    try {
      await expect(page.locator('.titlebar')).toContainText('read-only')
      await page.getByTestId('nav-governor').click()
      await expect(page.getByTestId('decide-submit')).toBeDisabled()
      await expect(page.getByTestId('decide-form')).toContainText('This environment is read-only')
    } finally {
      await page.getByTestId('nav-environments').click()
      await table.locator('[data-env-id="local"]').getByRole('button', { name: 'Edit' }).click()
      await page.getByTestId('env-readonly').uncheck()
      await page.getByTestId('env-save').click()
      await expect(page.locator('.titlebar')).not.toContainText('read-only')
    }
  })

  test('screenshots of every page on the seeded engine', async ({ page, consoleUrl, seed }) => {
    const m2 = missionIn(seed, 'executing')
    await openLive(page, consoleUrl)
    const pages = [
      'overview',
      `traces/${m2.mission_id}`,
      'traces?kind=jobs',
      'reflex',
      'budget',
      'lifecycle',
      'audit',
      'governor',
      'environments'
    ]
    for (const p of pages) {
      await goTo(page, `#/${p}`)
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
      await page.waitForTimeout(400)
      await page.screenshot({
        path: `${SCREENSHOT_DIR}/seeded-${p.replace(/[^a-z0-9]+/gi, '-')}.png`
      })
    }
  })
})

/// <reference lib="dom" />
// Issue 14 items 5 and 6 in Chromium: two demo-agent missions compared side by side (first
// divergence highlighted, keyboard only), an incident bundle exported with its redaction preview,
// compared against a live trace, and imported as an offline, read-only environment every page
// browses. Runs on its own engine and console: the import switches the console to the bundle.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { expect, FAST_DEMO_ENV, openAt, ownStackForSuite, SCREENSHOT_DIR, test } from './fixtures'

const stack = ownStackForSuite('compare', {
  env: { ...FAST_DEMO_ENV, CONTROLDECK_DEMO_CHUNK_MS: '5' }
})
let dir: string
const missions = { greedy: '', flaky: '' }
let bundlePath = ''

/** Screenshots the whole page under `name`. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true })
}

/** Calls a ConsoleApi method as a script does: bearer token from the serve-token file. */
async function callApi<T>(method: string, input: unknown): Promise<T> {
  const { consoleServer } = stack
  const token = (await readFile(consoleServer.tokenFile, 'utf8')).trim()
  const response = await fetch(new URL(`/api/${method}`, consoleServer.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input)
  })
  const body = (await response.json()) as { ok: boolean; result?: T; error?: unknown }
  if (!body.ok) throw new Error(`${method} failed: ${JSON.stringify(body.error)}`)
  return body.result as T
}

/** Runs a demo agent to its end through the console and returns its mission id. */
async function runDemo(script: string): Promise<string> {
  const { runId } = await callApi<{ runId: string }>('startLocalRun', { script })
  let missionId: string | null = null
  await expect
    .poll(
      async () => {
        const { runs } = await callApi<{
          runs: Array<{ runId: string; status: string; missionId: string | null }>
        }>('listLocalRuns', {})
        const run = runs.find((r) => r.runId === runId)
        missionId = run?.missionId ?? null
        return run?.status
      },
      { timeout: 30_000 }
    )
    .toBe('exited')
  expect(missionId).toMatch(/^m_[0-9a-f]{12}$/)
  return missionId!
}

test.beforeAll(async () => {
  test.setTimeout(90_000)
  dir = await mkdtemp(path.join(tmpdir(), 'cd-e2e-bundle-files-'))
  missions.greedy = await runDemo('demo:greedy')
  missions.flaky = await runDemo('demo:flaky')
})

test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Opens `left`'s trace and compares it with `right`, keyboard only; the comparison's view. */
async function compareByKeyboard(page: Page, left: string, right: string): Promise<Locator> {
  await openAt(page, stack.consoleServer, `#/traces/${left}`)
  await page.getByTestId('trace-compare').focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('compare-dialog')).toBeVisible()
  await expect(page.getByTestId('compare-id')).toBeFocused()
  await page.keyboard.type(right)
  await page.keyboard.press('Enter')
  const view = page.getByTestId('compare-view')
  await expect(view).toBeVisible({ timeout: 15_000 })
  return view
}

test.describe.serial('compare and incident bundles', () => {
  test('compares two demo-agent missions side by side, first divergence highlighted, by keyboard', async ({
    page,
    pageErrors
  }) => {
    const view = await compareByKeyboard(page, missions.greedy, missions.flaky)
    const first = view.locator('[data-first-divergence="true"]')
    await expect(first).toHaveCount(1)
    await expect(first).toBeFocused()
    await expect(first).toContainText('First divergence')
    await expect(page.getByTestId('compare-summary')).toContainText('First divergence at row')
    // The rows before it ran alike; greedy's llm_call jobs and flaky's tool jobs each show one-sided.
    await expect(view.locator('[data-status="left_only"]').first()).toBeVisible()
    await expect(view.locator('[data-status="right_only"]').first()).toBeVisible()
    await expect(view.locator('.compare-totals')).toContainText('Tokens')
    // Both missions ended: their wall-clock durations and the difference are known.
    await expect(view.locator('.compare-totals')).not.toContainText('– → –')
    // Keyboard only: Down moves focus to the next row, Home to the first.
    await page.keyboard.press('Home')
    await expect(view.locator('tbody tr').first()).toBeFocused()
    await page.keyboard.press('n')
    await expect(view.locator('tbody tr[tabindex="0"]')).toHaveAttribute(
      'data-status',
      /changed|left_only|right_only/
    )
    await screenshot(page, 'compare-two-demo-missions')
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, 'compare-two-demo-missions-dark')
    await expect(view.locator('tbody tr[tabindex="0"]')).toBeFocused()
    await page.keyboard.press('Escape')
    await expect(view).toHaveCount(0)
    expect(pageErrors).toEqual([])
  })

  test("Enter on a side's link opens that side's trace, not the row's left one", async ({
    page,
    pageErrors
  }) => {
    const view = await compareByKeyboard(page, missions.greedy, missions.flaky)
    await expect(view.locator('[data-first-divergence="true"]')).toBeFocused()
    // Home brings the first row (the two missions' plans) into the virtual window.
    await page.keyboard.press('Home')
    // The right side's link of the first row (a plan of the flaky mission): Enter follows it.
    const right = view.locator('tbody tr').first().locator('td').nth(3).getByRole('link')
    const rightId = (await right.textContent()) ?? ''
    expect(rightId).toMatch(/^p_/)
    await right.focus()
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(new RegExp(`#/traces/${rightId}$`))
    expect(pageErrors).toEqual([])
  })

  test('exports an incident bundle with a preview of what redaction removes', async ({
    page,
    pageErrors
  }) => {
    await openAt(page, stack.consoleServer, `#/traces/${missions.greedy}`)
    await page.getByTestId('trace-bundle').click()
    const dialog = page.getByTestId('bundle-dialog')
    await expect(dialog).toBeVisible()
    await expect(page.getByTestId('bundle-preview-summary')).toContainText('0 tag values')
    await page.getByTestId('redact-tag-script').check()
    await expect(page.getByTestId('bundle-preview-summary')).toContainText(/[1-9]\d* tag values/)
    await expect(page.getByTestId('bundle-preview')).toContainText('tags.script')
    await expect(page.getByTestId('bundle-preview')).toContainText('demo:greedy')
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'bundle-export-preview.png') })
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('bundle-save').click()
    ])
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^incident-${missions.greedy}-.*\\.json$`)
    )
    bundlePath = path.join(dir, download.suggestedFilename())
    await download.saveAs(bundlePath)
    await expect(page.getByTestId('bundle-saved')).toContainText('Downloaded')
    const text = await readFile(bundlePath, 'utf8')
    const bundle = JSON.parse(text) as {
      environment: { name: string; engine: string }
      audit: unknown[]
      trace: { root: { record: { tags: Record<string, string> } } }
    }
    expect(bundle.environment).toMatchObject({ name: 'Local engine', engine: 'controldeck' })
    expect(bundle.trace.root.record.tags.script).toBe('[redacted]')
    expect(bundle.audit.length).toBeGreaterThan(0)
    expect(text).not.toContain(stack.engine.adminToken)
    expect(text).not.toContain((await readFile(stack.consoleServer.tokenFile, 'utf8')).trim())
    expect(pageErrors).toEqual([])
  })

  test('compares the bundle against a live trace', async ({ page, pageErrors }) => {
    await openAt(page, stack.consoleServer, `#/traces/${missions.flaky}`)
    await page.getByTestId('trace-compare').click()
    await page.getByTestId('compare-dialog').getByTestId('bundle-file').setInputFiles(bundlePath)
    const view = page.getByTestId('compare-view')
    await expect(view).toBeVisible({ timeout: 15_000 })
    await expect(view.locator('h2')).toContainText(`${missions.greedy} (bundle from Local engine)`)
    await expect(view.locator('[data-first-divergence="true"]')).toHaveCount(1)
    await screenshot(page, 'compare-bundle-vs-live')
    expect(pageErrors).toEqual([])
  })

  test('imports the bundle as a read-only offline environment that every page browses', async ({
    page,
    pageErrors
  }) => {
    await openAt(page, stack.consoleServer, '#/environments')
    await page.getByTestId('bundle-import').getByTestId('bundle-file').setInputFiles(bundlePath)
    // It switches to the bundle and opens its mission.
    await expect(page).toHaveURL(new RegExp(`#/traces/${missions.greedy}$`))
    await expect(page.getByTestId('connection-badge')).toContainText(/offline/i)
    await expect(page.getByTestId('connection-notice')).toContainText('imported incident bundle')
    await expect(page.getByTestId('stale-notice')).toHaveCount(0)
    await expect(page.getByTestId('trace-tree')).toBeVisible()
    await expect(page.getByTestId('trace-tree')).toContainText('llm_call')
    await screenshot(page, 'bundle-imported-trace')
    await page.getByTestId('nav-audit').click()
    await expect(page.locator('main')).toContainText(missions.greedy, { timeout: 10_000 })
    await screenshot(page, 'bundle-imported-audit')
    await page.getByTestId('nav-traces').click()
    await expect(page.locator('main')).toContainText(missions.greedy)
    // Writes are refused by the console service's read-only policy, whatever the page offers.
    const refused = await callApi('transitionEntity', {
      entityType: 'mission',
      entityId: missions.greedy,
      transition: 'cancel'
    }).catch((e: Error) => e.message)
    expect(refused).toContain('read_only')
    expect(pageErrors).toEqual([])
  })
})

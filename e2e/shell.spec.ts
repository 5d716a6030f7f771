/// <reference lib="dom" />
// Issue 3.5: the app shell. Sidebar pages, title bar (environment switcher, connection badge),
// themes, empty states on an unseeded engine, the command palette.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Page } from '@playwright/test'
import {
  expect,
  expectLive,
  itemOf,
  openConsole,
  openLive,
  ownStackForSuite,
  SCREENSHOT_DIR,
  test
} from './fixtures'

const PAGES = [
  ['overview', 'Overview'],
  ['traces', 'Traces'],
  ['runs', 'Runs'],
  ['reflex', 'Reflex'],
  ['budget', 'Budget'],
  ['lifecycle', 'Lifecycle'],
  ['audit', 'Audit'],
  ['governor', 'Governor'],
  ['environments', 'Environments']
] as const

/** What each page's empty state says on an engine with no data (the heading of its empty state). */
const EMPTY_STATES: Record<(typeof PAGES)[number][0], RegExp> = {
  overview: /No missions yet/,
  traces: /No missions match/,
  runs: /No local runs yet/,
  reflex: /No circuit breakers yet/,
  budget: /No enforcement activity yet/,
  lifecycle: /Waiting for transitions/,
  audit: /No audit events/,
  governor: /No decisions yet/,
  environments: /Local cache/
}

async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `shell-${name}.png`), fullPage: false })
}

test.describe('app shell on the seeded engine', () => {
  test('frame, sidebar, environment switcher and connection badge', async ({
    page,
    consoleUrl,
    pageErrors
  }) => {
    await openConsole(page, consoleUrl)
    const nav = page.getByRole('navigation', { name: 'Pages' })
    for (const [id, label] of PAGES)
      await expect(nav.getByRole('link', { name: label })).toHaveAttribute('href', `#/${id}`)
    await expect(page.getByTestId('nav-overview')).toHaveAttribute('aria-current', 'page')
    // The built-in local engine is active and its connection is live (SSE open).
    await expect(page.getByTestId('env-switcher')).toHaveValue('local')
    await expectLive(page)
    await expect(page.getByTestId('connection-badge')).toHaveText(/live/)
    // The local engine's admin token: the role that decides which operator actions are enabled.
    await expect(page.getByTestId('role-badge')).toHaveText('admin')
    // Every sidebar page opens and names itself in the heading and the window title.
    for (const [id, label] of PAGES) {
      await nav.getByRole('link', { name: label }).click()
      await expect(page).toHaveURL(new RegExp(`#/${id}$`))
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(label)
      await expect(page).toHaveTitle(`${label} · ControlDeck`)
    }
    expect(pageErrors).toEqual([])
  })

  test('light and dark themes follow the OS, with a manual override that sticks', async ({
    page,
    consoleUrl
  }) => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await openConsole(page, consoleUrl)
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    // Following the OS (dark).
    await expect(page.getByTestId('theme-toggle')).toHaveText('Theme: system')
    expect(await bg()).toBe('rgb(20, 23, 28)')
    await shot(page, 'theme-system-dark')
    // system → light overrides the OS.
    await page.getByTestId('theme-toggle').click()
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
    expect(await bg()).toBe('rgb(246, 247, 249)')
    await shot(page, 'theme-light')
    // light → dark, and the choice survives a reload.
    await page.emulateMedia({ colorScheme: 'light' })
    await page.getByTestId('theme-toggle').click()
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    expect(await bg()).toBe('rgb(20, 23, 28)')
    await page.reload()
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    await shot(page, 'theme-dark')
    // dark → system: back to the OS (now light).
    await page.getByTestId('theme-toggle').click()
    await expect(page.getByTestId('theme-toggle')).toHaveText('Theme: system')
    expect(await page.locator('html').getAttribute('data-theme')).toBeNull()
    expect(await bg()).toBe('rgb(246, 247, 249)')
  })

  test('keyboard: sidebar arrows, Ctrl+K palette to an id and to a page', async ({
    page,
    consoleUrl,
    seed
  }) => {
    await openConsole(page, consoleUrl)
    await page.getByTestId('nav-overview').focus()
    await page.keyboard.press('ArrowDown')
    await expect(page.getByTestId('nav-traces')).toBeFocused()
    await page.keyboard.press('End')
    await expect(page.getByTestId('nav-environments')).toBeFocused()

    const jobId = itemOf(seed.jobs, 1, 'seeded job').job_id
    await page.keyboard.press('Control+k')
    await expect(page.getByRole('dialog', { name: 'Command palette' })).toBeVisible()
    await page.getByTestId('palette-input').fill(jobId)
    await expect(
      page.getByRole('dialog', { name: 'Command palette' }).getByRole('option').first()
    ).toHaveText(`Open trace of job ${jobId}`)
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(new RegExp(`#/traces/${jobId}$`))
    await expect(page.getByRole('dialog', { name: 'Command palette' })).toHaveCount(0)

    await page.keyboard.press('Control+k')
    await page.getByTestId('palette-input').fill('budget')
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(/#\/budget$/)
    // The palette is modal: Tab cannot reach the page behind it, and closing it gives focus back.
    await page.getByTestId('nav-audit').focus()
    await page.keyboard.press('Control+k')
    await expect(page.getByTestId('palette-input')).toBeFocused()
    await page.keyboard.press('Tab')
    await expect(page.getByTestId('palette-input')).toBeFocused()
    await page.keyboard.press('Shift+Tab')
    await expect(page.getByTestId('palette-input')).toBeFocused()
    await page.keyboard.press('Escape')
    await expect(page.getByRole('dialog', { name: 'Command palette' })).toHaveCount(0)
    await expect(page.getByTestId('nav-audit')).toBeFocused()
  })

  test('a controldeck:// deep link pushed by the main side opens the trace', async ({
    page,
    consoleUrl,
    consoleServer,
    seed
  }) => {
    await openLive(page, consoleUrl)
    const attempt = itemOf(seed.attempts, 0, 'seeded attempt').attempt_id
    // What the Electron main process does when the OS hands it controldeck://trace/<id>.
    consoleServer.service.context.events.emit('onDeepLink', { path: `trace/${attempt}` })
    await expect(page).toHaveURL(new RegExp(`#/traces/${attempt}$`))
    await expect(page.getByTestId('trace-chain').getByRole('link').last()).toHaveText(attempt)
    // A link to something the console cannot show changes nothing: a good link sent after it
    // arrives after it, and by then the page has gone nowhere else.
    await page.evaluate(() => {
      const seen: string[] = []
      ;(window as unknown as { seenHashes: string[] }).seenHashes = seen
      window.addEventListener('hashchange', () => seen.push(window.location.hash))
    })
    consoleServer.service.context.events.emit('onDeepLink', { path: 'settings/secret' })
    const job = itemOf(seed.jobs, 0, 'seeded job').job_id
    consoleServer.service.context.events.emit('onDeepLink', { path: `trace/${job}` })
    await expect(page).toHaveURL(new RegExp(`#/traces/${job}$`))
    expect(
      await page.evaluate(() => (window as unknown as { seenHashes: string[] }).seenHashes)
    ).toEqual([`#/traces/${job}`])
  })
})

test.describe('app shell on an empty engine', () => {
  const stack = ownStackForSuite('empty')

  test('every page says what will appear there', async ({ page, pageErrors }) => {
    await openLive(page, stack.consoleServer)
    for (const [id, label] of PAGES) {
      await page
        .getByRole('navigation', { name: 'Pages' })
        .getByRole('link', { name: label })
        .click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(label)
      await expect(page.getByRole('main')).toContainText(EMPTY_STATES[id])
      await shot(page, `empty-${id}`)
    }
    // The overview's counts are absent (not zeros pretending to be data) on an empty engine.
    await page.getByTestId('nav-overview').click()
    await expect(page.getByTestId('overview-counts')).toHaveCount(0)
    expect(pageErrors).toEqual([])
  })
})

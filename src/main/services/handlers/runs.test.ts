// The runs domain through the console service (input/output schemas, events) with the real
// embedded engine as the local environment and real child processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningEngine } from '../../../engine'
import type { LocalRunView } from '../../../shared/console/domains/runs'
import { createConsoleService, type ConsoleService } from '../console-service'
import { startTempEngine, type TempEngine } from '../testing/temp-engine'
import { waitFor } from '../testing/wait'
import { createGovernanceHandlers } from './governance'
import { createRunsHandlers } from './runs'

let engine: RunningEngine
let tmp: TempEngine
let service: ConsoleService
const events: Array<{ name: string; payload: unknown }> = []
const DEMO_PACING = {
  CONTROLDECK_DEMO_PACE_MS: '0',
  CONTROLDECK_DEMO_BACKOFF_MS: '1',
  CONTROLDECK_DEMO_BACKOFF_MAX_MS: '5'
}

beforeAll(async () => {
  tmp = await startTempEngine('controldeck-runs-handlers-')
  engine = tmp.engine
  // Children inherit the console's environment: pace the demos down (restored in afterAll).
  Object.assign(process.env, DEMO_PACING)
  service = createConsoleService({
    dataDir: tmp.dir,
    transport: 'browser',
    appVersion: 'test',
    localEngine: {
      url: engine.url,
      adminToken: engine.adminToken,
      addToken: (t, r, n) => engine.addToken(t, r, n)
    },
    handlerFactories: [createRunsHandlers, createGovernanceHandlers]
  })
  service.subscribe((name, payload) => events.push({ name, payload }))
})

afterAll(async () => {
  for (const key of Object.keys(DEMO_PACING)) delete process.env[key]
  await service?.dispose()
  await tmp?.close()
})

describe('runs handlers', () => {
  it('lists the demos and starts one, pushing its output and status as events', async () => {
    const listed = (await service.invoke('listLocalRuns', {})) as {
      demos: Array<{ script: string }>
      engineAvailable: boolean
    }
    expect(listed.engineAvailable).toBe(true)
    expect(listed.demos.map((d) => d.script)).toEqual(['demo:flaky', 'demo:slow', 'demo:greedy'])

    const run = (await service.invoke('startLocalRun', { script: 'demo:flaky' })) as LocalRunView
    expect(run.missionId).toMatch(/^m_/)
    const finished = (): boolean =>
      events.some(
        (e) =>
          e.name === 'onRunsChanged' &&
          (e.payload as { runs: LocalRunView[] }).runs.some(
            (r) => r.runId === run.runId && r.status === 'exited'
          )
      )
    await waitFor(finished, 'the demo to finish', 30_000)
    const output = events
      .filter(
        (e) => e.name === 'onRunOutput' && (e.payload as { runId: string }).runId === run.runId
      )
      .map((e) => (e.payload as { text: string }).text)
      .join('\n')
    expect(output).toContain(`mission ${run.missionId}`)

    const kept = (await service.invoke('getRunOutput', { runId: run.runId })) as {
      lines: Array<{ text: string }>
      dropped: number
    }
    expect(kept.dropped).toBe(0)
    expect(kept.lines[0]?.text).toBe(`mission ${run.missionId}`)

    // The breaker the demo opened shows in the reflex view of the active (local) environment.
    const reflex = (await service.invoke('listCircuits', {})) as {
      available: boolean
      circuits: Array<{ circuitId: string; state: string }>
    }
    expect(reflex.available).toBe(true)
    expect(reflex.circuits.find((c) => c.circuitId === 'tool:weather-api')?.state).toBe('open')
  })

  it('refuses invalid input before any handler runs', async () => {
    await expect(service.invoke('startLocalRun', { script: 'rm -rf /' })).rejects.toMatchObject({
      error: { code: 'invalid_input' }
    })
    await expect(service.invoke('stopLocalRun', { runId: '' })).rejects.toMatchObject({
      error: { code: 'invalid_input' }
    })
  })
})

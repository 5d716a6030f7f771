// `controldeck run|reflex|budget` through the real argument parser, against the real engine given
// as an ad-hoc environment (--url/--token), with real child processes.
import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningEngine } from '../../../../engine'
import { EnvironmentStore } from '../../environments/environment-store'
import { makeTempDir } from '../../testing/temp-dir'
import { startTempEngine, type TempEngine } from '../../testing/temp-engine'
import { runCli, type CliIo } from '../args'
import { budgetCommand } from './budget'
import { reflexCommand } from './reflex'
import { runCommand } from './run'

const COMMANDS = [runCommand, reflexCommand, budgetCommand]
let engine: RunningEngine
let tmp: TempEngine

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    io: {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      env: {
        ...process.env,
        CONTROLDECK_DEMO_PACE_MS: '0',
        CONTROLDECK_DEMO_BACKOFF_MS: '1',
        CONTROLDECK_DEMO_BACKOFF_MAX_MS: '5',
        CONTROLDECK_DEMO_CHUNK_MS: '5'
      }
    }
  }
}

function cli(args: string[], io: CliIo): Promise<number> {
  return runCli(
    COMMANDS,
    [...args, '--url', engine.url, '--token', engine.adminToken, '--data-dir', tmp.dir],
    io
  )
}

beforeAll(async () => {
  tmp = await startTempEngine('controldeck-cli-runs-')
  engine = tmp.engine
})

afterAll(async () => {
  await tmp?.close()
})

describe('controldeck run', () => {
  it('prints the mission id first, streams the agent output and exits with its code', async () => {
    const script = path.join(tmp.dir, 'agent.mjs')
    writeFileSync(
      script,
      "console.log('working on ' + process.env.CONTROLDECK_MISSION_ID)\nconsole.error('a warning')\nprocess.exit(3)\n"
    )
    const { io, out, err } = capture()
    const code = await cli(['run', script], io)
    expect(code).toBe(3)
    expect(out[0]).toMatch(/^mission m_[0-9a-f]{12}$/)
    const missionId = out[0]?.slice('mission '.length)
    expect(out).toContain(`working on ${missionId}`)
    expect(err.join('\n').split('\n')).toContain('a warning')
  })

  it('runs a bundled demo from a relative name and reports JSON lines with --json', async () => {
    const { io, out } = capture()
    // The child inherits the CLI's environment (io.env), which paces the demo down for the test.
    expect(await cli(['run', 'demo:greedy', '--json'], io)).toBe(0)
    const events = out.map(
      (line) =>
        JSON.parse(line) as { type: string; missionId?: string; text?: string; exitCode?: number }
    )
    const [first] = events
    expect(first?.type).toBe('run')
    expect(first?.missionId).toMatch(/^m_/)
    const text = events
      .filter((e) => e.type === 'output')
      .map((e) => e.text)
      .join('\n')
    expect(text).toContain(`mission ${first?.missionId}`)
    expect(text).toMatch(/BudgetExceededError/)
    expect(events.at(-1)).toMatchObject({ type: 'exit', exitCode: 0 })
  })

  it('without --url runs against the local engine, started in-process on the console database', async () => {
    const dataDir = path.join(tmp.dir, 'local-console')
    const script = path.join(tmp.dir, 'local-agent.mjs')
    writeFileSync(script, "console.log('engine ' + process.env.CONTROLDECK_URL)\n")
    const { io, out } = capture()
    const code = await runCli(COMMANDS, ['run', script, '--data-dir', dataDir], io)
    expect(code).toBe(0)
    expect(out[0]).toMatch(/^mission m_/)
    expect(out[1]).toMatch(/^engine http:\/\/127\.0\.0\.1:\d+$/)
    expect(out[1]).not.toContain(engine.url)
    expect(existsSync(path.join(dataDir, 'engine.db'))).toBe(true)
  })

  it('refuses a missing script with one line and exit code 1', async () => {
    const { io, err } = capture()
    const code = await cli(['run', path.join(tmp.dir, 'nope.js')], io)
    expect(code).toBe(1)
    expect(err.join('\n')).toContain('does not exist')
  })
})

describe('controldeck run on a read-only environment', () => {
  it('refuses to start the agent, in the sentence the console uses', async () => {
    const data = makeTempDir('controldeck-cli-read-only-')
    try {
      const store = await EnvironmentStore.load({ dataDir: data.dir, localUrl: null })
      const profile = await store.add({
        name: 'Watched',
        baseUrl: engine.url,
        authKind: 'none',
        color: 'blue',
        isProduction: false,
        readOnly: true
      })
      await store.setActive(profile.id)
      const script = path.join(data.dir, 'agent.mjs')
      writeFileSync(script, "console.log('ran')\n")
      const { io, out, err } = capture()
      const code = await runCli(COMMANDS, ['run', script, '--data-dir', data.dir], io)
      expect(code).toBe(1)
      expect(out).toEqual([])
      expect(err.join('\n')).toContain('"Watched" is read-only, so ControlDeck refused run')
    } finally {
      data.remove()
    }
  })
})

describe('controldeck reflex and budget', () => {
  it('show the breaker a flaky run opened and the token violation of a greedy run', async () => {
    expect(await cli(['run', 'demo:flaky'], capture().io)).toBe(0)

    const reflexJson = capture()
    expect(await cli(['reflex', '--json'], reflexJson.io)).toBe(0)
    const reflex = JSON.parse(reflexJson.out.join('')) as {
      available: boolean
      circuits: Array<{ circuitId: string; state: string }>
    }
    expect(reflex.available).toBe(true)
    expect(reflex.circuits.find((c) => c.circuitId === 'tool:weather-api')?.state).toBe('open')

    const reflexText = capture()
    expect(await cli(['reflex'], reflexText.io)).toBe(0)
    expect(reflexText.out.join('\n')).toMatch(/tool:weather-api\s+open/)
    expect(reflexText.out.join('\n')).toMatch(/Suspended or throttled jobs \([1-9]/)

    const budgetJson = capture()
    expect(await cli(['budget', '--json'], budgetJson.io)).toBe(0)
    const budget = JSON.parse(budgetJson.out.join('')) as {
      available: boolean
      violationsByType: Record<string, number>
    }
    expect(budget.available).toBe(true)
    // The greedy run of the test above went over its token budget.
    expect(budget.violationsByType.tokens).toBeGreaterThanOrEqual(1)

    const budgetText = capture()
    expect(await cli(['budget'], budgetText.io)).toBe(0)
    expect(budgetText.out.join('\n')).toMatch(/NR-E104\s+tokens/)
  })
})

// `controldeck run|reflex|budget` through the real argument parser and the console's dispatch
// (startLocalRun, onRunOutput, onRunsChanged), against the real engine given as an ad-hoc
// environment (--url/--token), with real child processes.
import { spawn } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningEngine } from '../../../../engine'
import { startEngineHost } from '../../engine-host'
import { EnvironmentStore } from '../../environments/environment-store'
import { makeTempDir } from '../../testing/temp-dir'
import { withoutKeychain } from '../../testing/no-keychain'
import { engineFetch, startTempEngine, type TempEngine } from '../../testing/temp-engine'
import { waitFor } from '../../testing/wait'
import { runCli, type CliIo } from '../args'
import { budgetCommand } from './budget'
import { withCliConsole } from './cli-session'
import { reflexCommand } from './reflex'
import { runCommand } from './run'

const COMMANDS = [runCommand, reflexCommand, budgetCommand]
/** The demos' pacing, lowered for the test; the agents inherit the console's environment. */
const DEMO_PACING = {
  CONTROLDECK_DEMO_PACE_MS: '0',
  CONTROLDECK_DEMO_BACKOFF_MS: '1',
  CONTROLDECK_DEMO_BACKOFF_MAX_MS: '5',
  CONTROLDECK_DEMO_CHUNK_MS: '5'
}
let engine: RunningEngine
let tmp: TempEngine

function capture(stop = new AbortController()): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    io: {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      env: { ...process.env },
      stopSignal: () => stop.signal
    }
  }
}

/** Missions on the test engine (each run creates one before its agent starts). */
async function missionCount(): Promise<number> {
  const res = await engineFetch(engine, 'GET', '/identity/missions?limit=500')
  return ((await res.json()) as { items: unknown[] }).items.length
}

function cli(args: string[], io: CliIo): Promise<number> {
  return runCli(
    COMMANDS,
    [...args, '--url', engine.url, '--token', engine.adminToken, '--data-dir', tmp.dir],
    io
  )
}

beforeAll(async () => {
  // vitest runs each test file in a process of its own, so this stays local.
  Object.assign(process.env, DEMO_PACING)
  withoutKeychain()
  tmp = await startTempEngine('controldeck-cli-runs-')
  engine = tmp.engine
})

afterAll(async () => {
  await tmp?.close()
  for (const name of Object.keys(DEMO_PACING)) delete process.env[name]
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
    // The child inherits the console's environment, which paces the demo down for the test.
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

  it("with --url runs report to that backend as the console's run backend, not as a local engine", async () => {
    const adHoc = { url: engine.url, token: engine.adminToken }
    const global = { json: false, help: false, dataDir: tmp.dir, adHoc }
    const seen = await withCliConsole(
      global,
      async (api) => ({
        app: await api.invoke('getAppInfo', {}),
        runs: await api.invoke('listLocalRuns', {}),
        envs: await api.invoke('listEnvironments', {})
      }),
      'runs'
    )
    expect(seen.runs.engineAvailable).toBe(true)
    // No local engine runs in this command, and the built-in one does not take the backend's URL.
    expect(seen.app.localEngineUrl).toBeNull()
    expect(seen.envs.activeId).toBe('adhoc')
    expect(seen.envs.environments.find((e) => e.id === 'local')).toMatchObject({
      baseUrl: '',
      hasCredential: false
    })
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

  it('closes the mission of an agent that left it open before the command returns', async () => {
    const dataDir = path.join(tmp.dir, 'closing-console')
    const script = path.join(tmp.dir, 'quiet-agent.mjs')
    writeFileSync(script, "console.log('done')\n")
    const { io, out } = capture()
    expect(await runCli(COMMANDS, ['run', script, '--data-dir', dataDir], io)).toBe(0)
    const missionId = out[0]?.slice('mission '.length) ?? ''
    // The command's own engine has stopped; the mission is read from its database afterwards.
    const local = await startEngineHost({ dataDir })
    try {
      const res = await fetch(
        `${local.url}/api/neurorail/v1/lifecycle/mission/${missionId}/state`,
        {
          headers: { authorization: `Bearer ${local.adminToken}` }
        }
      )
      expect(((await res.json()) as { current_state: string }).current_state).toBe('cancelled')
    } finally {
      await local.close()
    }
  })

  it('stops the agent at Ctrl-C and exits as a process ended by SIGTERM', async () => {
    const script = path.join(tmp.dir, 'endless-agent.mjs')
    writeFileSync(script, "console.log('ready')\nsetInterval(() => {}, 1000)\n")
    const stop = new AbortController()
    const { io, out } = capture(stop)
    const code = cli(['run', script], io)
    await waitFor(() => out.includes('ready'), 'the agent to start')
    stop.abort()
    expect(await code).toBe(128 + 15)
  })

  it('a second Ctrl-C does not end the CLI before the agent it is stopping (one that ignores SIGTERM)', async () => {
    const script = path.join(tmp.dir, 'stubborn-agent.mjs')
    writeFileSync(
      script,
      "process.on('SIGTERM', () => {})\nconsole.log('pid ' + process.pid)\nsetInterval(() => {}, 1000)\n"
    )
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/main/services/cli/main.ts',
        'run',
        script,
        '--url',
        engine.url,
        '--token',
        engine.adminToken,
        '--data-dir',
        tmp.dir
      ],
      { cwd: process.cwd(), env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code))
    )
    let agentPid = 0
    try {
      await waitFor(
        () => /pid \d+/.test(stdout),
        `the agent to start (stderr: ${stderr})`,
        60_000,
        50
      )
      agentPid = Number(/pid (\d+)/.exec(stdout)?.[1])
      child.kill('SIGINT')
      await waitFor(
        () => stderr.includes('SIGTERM now') || child.exitCode !== null,
        'the stop to begin',
        10_000,
        20
      )
      child.kill('SIGINT')
      await waitFor(
        () => stderr.includes('still stopping'),
        'the second Ctrl-C to be held',
        10_000,
        20
      )
      expect(await exited).toBe(128 + 9)
      // The agent is gone by the time the CLI is: nothing was left running.
      expect(() => process.kill(agentPid, 0)).toThrow()
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      try {
        if (agentPid) process.kill(agentPid, 'SIGKILL')
      } catch {
        // Already gone, as it should be.
      }
    }
  })

  it('refuses a missing script with one line and exit code 1', async () => {
    const { io, err } = capture()
    const code = await cli(['run', path.join(tmp.dir, 'nope.js')], io)
    expect(code).toBe(1)
    expect(err.join('\n')).toContain('does not exist')
  })
})

describe('controldeck run on a read-only environment', () => {
  it("is refused by the console's read-only check before anything starts: its code, its sentence, exit 1", async () => {
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
      const missionsBefore = await missionCount()

      const text = capture()
      expect(await runCli(COMMANDS, ['run', script, '--data-dir', data.dir], text.io)).toBe(1)
      expect(text.out).toEqual([])
      expect(text.err).toEqual([
        'controldeck: "Watched" is read-only, so ControlDeck refused startLocalRun: it changes the ' +
          'backend or starts a process that does. Turn read-only off for this environment to allow it.'
      ])

      const json = capture()
      expect(
        await runCli(COMMANDS, ['run', 'demo:flaky', '--json', '--data-dir', data.dir], json.io)
      ).toBe(1)
      expect(json.out).toEqual([])
      expect(JSON.parse(json.err.join(''))).toMatchObject({
        ok: false,
        error: { code: 'read_only', message: expect.stringContaining('"Watched" is read-only') }
      })
      // No agent ran: the engine got no mission for it.
      expect(await missionCount()).toBe(missionsBefore)
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

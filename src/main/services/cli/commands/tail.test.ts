// `controldeck tail` through the real argument parser and the console's live path (the
// environment session's stream, subscribeEvents, the pushed onEvents), against the real engine
// given as an ad-hoc environment.
import { spawn } from 'node:child_process'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LiveEventSchema } from '../../../../shared/console/domains/live'
import type { RunningEngine } from '../../../../engine'
import { startFakeBrain } from '../../client/testing/fake-brain'
import { publishEvent, startTempEngine, type TempEngine } from '../../testing/temp-engine'
import { waitFor } from '../../testing/wait'
import { runCli, type CliIo, type GlobalOptions } from '../args'
import { withCliConsole } from './cli-session'
import { tailCommand, tailFilter } from './tail'

let tmp: TempEngine
let engine: RunningEngine

beforeAll(async () => {
  tmp = await startTempEngine('cd-cli-tail-')
  engine = tmp.engine
})

afterAll(async () => {
  await tmp?.close()
})

/** Starts `controldeck tail …` against the engine; `stop()` is its Ctrl-C. */
function startTail(args: string[], token = engine.adminToken) {
  const out: string[] = []
  const err: string[] = []
  const controller = new AbortController()
  const io: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: { ...process.env },
    stopSignal: () => controller.signal
  }
  const exited = runCli(
    [tailCommand],
    ['tail', ...args, '--url', engine.url, '--token', token, '--data-dir', tmp.dir],
    io
  )
  return { out, err, exited, stop: () => controller.abort() }
}

describe('controldeck tail', () => {
  it('prints the events the console pushes for its subscription, as JSON lines, until stopped', async () => {
    const tail = startTail(['--json', '--channel', 'lifecycle', '--entity', 'j_00000000000a'])
    await waitFor(() => tail.err.includes('[live]'), 'the stream to be live')
    await publishEvent(engine, 'lifecycle', 'state_transition', {
      entity_id: 'j_00000000000a',
      to_state: 'running'
    })
    // Not for this subscription: another entity, another channel.
    await publishEvent(engine, 'lifecycle', 'state_transition', {
      entity_id: 'j_00000000000b',
      to_state: 'running'
    })
    await publishEvent(engine, 'reflex', 'circuit_state_changed', { entity_id: 'j_00000000000a' })
    await publishEvent(engine, 'lifecycle', 'state_transition', {
      entity_id: 'j_00000000000a',
      to_state: 'succeeded'
    })
    await waitFor(() => tail.out.length >= 2, 'two events')
    tail.stop()
    expect(await tail.exited).toBe(0)
    // Stopping closed the command's stream on the engine too.
    await waitFor(() => engine.services.hub.counters().subscribers === 0, 'the stream to close')
    const events = tail.out.map((line) => LiveEventSchema.parse(JSON.parse(line)))
    expect(events.map((e) => [e.channel, e.data.entity_id, e.data.to_state])).toEqual([
      ['lifecycle', 'j_00000000000a', 'running'],
      ['lifecycle', 'j_00000000000a', 'succeeded']
    ])

    // They came through the console's live path: its cache of this environment holds them too.
    const global: GlobalOptions = {
      json: false,
      help: false,
      dataDir: tmp.dir,
      adHoc: { url: engine.url, token: engine.adminToken }
    }
    const cached = await withCliConsole(global, (api) =>
      api.invoke('getRecentEvents', { channel: 'lifecycle' })
    )
    expect(cached.events.map((e) => e.id)).toEqual(expect.arrayContaining(events.map((e) => e.id)))
  })

  it('prints one text line per event, the connection state on stderr only', async () => {
    const tail = startTail(['--type', 'budget_warning'])
    await waitFor(() => tail.err.includes('[live]'), 'the stream to be live')
    await publishEvent(engine, 'governor', 'budget_warning', {
      job_id: 'j_00000000000c',
      message: 'tokens at 90 %'
    })
    await waitFor(() => tail.out.length === 1, 'one line')
    tail.stop()
    expect(await tail.exited).toBe(0)
    // One line, its fields separated by single spaces (backend text cannot move the cursor).
    expect(tail.out[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} governor budget_warning \d+ job_id=j_00000000000c message=tokens at 90 %$/
    )
    expect(tail.err[0]).toMatch(/^\[(connecting|live)\]$/)
  })

  it('exits 1 in one line when the backend refuses the token or cannot be reached', async () => {
    const refused = startTail([], 'not-the-token')
    expect(await refused.exited).toBe(1)
    expect(refused.out).toEqual([])
    expect(refused.err.at(-1)).toMatch(/^controldeck: /)

    const closed = await startFakeBrain()
    const url = closed.url
    await closed.close()
    const out: string[] = []
    const err: string[] = []
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), env: {} }
    const code = await runCli([tailCommand], ['tail', '--url', url, '--data-dir', tmp.dir], io)
    expect(code).toBe(1)
    expect(out).toEqual([])
    expect(err).toHaveLength(1)
    expect(err[0]).toMatch(
      /^controldeck: The backend at http:\/\/127\.0\.0\.1:\d+ is not reachable/
    )
  })
})

describe('controldeck tail, its flags and its process', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('parses the filter flags and refuses unknown channels', () => {
    expect(
      tailFilter({ channel: 'lifecycle, audit', type: 'state_transition', entity: 'j_1,j_2' })
    ).toEqual({
      channels: ['lifecycle', 'audit'],
      eventTypes: ['state_transition'],
      entityIds: ['j_1', 'j_2']
    })
    expect(tailFilter({})).toEqual({})
    expect(() => tailFilter({ channel: 'nope' })).toThrow(/channel must be one of/)
  })

  it('runs as `controldeck tail --json` against the engine and exits 0 on Ctrl-C', async () => {
    const temp = await startTempEngine('cd-tail-', { rateLimit: false })
    cleanups.push(() => temp.close())
    const engine = temp.engine
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/main/services/cli/main.ts',
        'tail',
        '--url',
        engine.url,
        '--token',
        engine.adminToken,
        '--json',
        '--channel',
        'reflex'
      ],
      {
        cwd: process.cwd(),
        env: { ...process.env, CONTROLDECK_DATA_DIR: temp.dir },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL')
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    await waitFor(
      () => stderr.includes('[live]'),
      `tail to go live (stderr: ${stderr})`,
      60_000,
      50
    )
    const publish = (channel: string, n: number) =>
      publishEvent(engine, channel, 'circuit_state_changed', {
        circuit_id: `c${n}`,
        to_state: 'open',
        failure_count: n,
        success_count: 0
      })
    await publish('reflex', 1)
    await publish('audit', 2)
    await publish('reflex', 3)
    await waitFor(() => stdout.trim().split('\n').length >= 2, 'two lines on stdout', 10_000, 20)
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code))
    )
    child.kill('SIGINT')
    expect(await exited).toBe(0)
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => LiveEventSchema.parse(JSON.parse(l)))
    expect(lines.map((e) => e.data.circuit_id)).toEqual(['c1', 'c3'])
  }, 90_000)
})

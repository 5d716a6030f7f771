import { spawn } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { LiveEventSchema } from '../../../shared/console/domains/live'
import { tailFilter } from '../cli/commands/tail'
import { publishEvent, startTempEngine } from '../testing/temp-engine'
import { waitFor } from '../testing/wait'
import { formatTailLine } from './tail'

describe('tail', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('keeps hostile text on one line without terminal escapes', () => {
    const line = formatTailLine({
      id: '7',
      channel: 'audit',
      event_type: 'execution_failure',
      timestamp: 1795413116.697,
      data: {
        message: 'boom\n\u001b[2J\u001b]0;pwned\u0007<script>x</script>',
        job_id: 'j_000000000001'
      }
    })
    expect([...line].some((c) => c.charCodeAt(0) < 0x20)).toBe(false)
    expect(line).toContain('<script>x</script>')
    expect(line).toContain('job_id=j_000000000001')
    expect(line.startsWith('05:51:56.697 audit')).toBe(true)
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

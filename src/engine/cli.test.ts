import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseCli } from './cli-args'
import { suiteTempDir } from './testing/suite'

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))

function run(args: string[]): {
  child: ReturnType<typeof spawn>
  out: () => string
  err: () => string
  exit: Promise<number | null>
} {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, out: () => out, err: () => err, exit }
}

describe('controldeck-engine CLI', () => {
  const dir = suiteTempDir('cd-engine-cli-')

  it('validates flags with one clear line', () => {
    expect(parseCli(['--port', 'abc'])).toEqual({ ok: false, error: '--port must be a number' })
    expect(parseCli(['--port', '70000'])).toEqual({
      ok: false,
      error: '--port must be between 0 and 65535'
    })
    expect(parseCli(['--token', 'short'])).toEqual({
      ok: false,
      error: '--token must be at least 16 characters'
    })
    expect(parseCli(['--token', 'sixteen chars or more'])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^--token contains characters/)
    })
    expect(parseCli(['--allow-host', 'http://x/'])).toEqual({
      ok: false,
      error: '--allow-host must be a host name, host:port or *'
    })
    expect(parseCli(['--allow-host', 'a.example', '--allow-host', 'b.example:443'])).toMatchObject({
      ok: true,
      options: { allowHosts: ['a.example', 'b.example:443'] }
    })
    expect(parseCli(['--rate-limit=-1'])).toEqual({
      ok: false,
      error: '--rate-limit must be 0 or more'
    })
    expect(parseCli(['--rate-limit', '0'])).toMatchObject({ ok: true, options: { rateLimit: 0 } })
    const unknown = parseCli(['--bogus'])
    expect(unknown.ok).toBe(false)
    const ok = parseCli(['--port', '0', '--db', ':memory:', '--seed'])
    expect(ok).toMatchObject({
      ok: true,
      options: { port: 0, db: ':memory:', seed: true, host: '127.0.0.1' }
    })
  })

  it('exits 1 on a bad port', async () => {
    const p = run(['--port', 'abc'])
    expect(await p.exit).toBe(1)
    expect(p.err().trim().split('\n')).toEqual([
      'controldeck-engine: --port must be a number (see --help)'
    ])
  })

  it('starts, prints the URL but not a token it was given, seeds, serves, and shuts down on SIGTERM', async () => {
    const token = 'cli-test-token-0123456789'
    const p = run([
      '--port',
      '0',
      '--db',
      path.join(dir, 'cli.db'),
      '--token',
      token,
      '--quiet',
      '--seed'
    ])
    await expect.poll(() => p.out(), { timeout: 15_000 }).toMatch(/seeded demo data/)
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+) \(admin token from --token\)/.exec(p.out())
    expect(m).not.toBeNull()
    expect(p.out() + p.err()).not.toContain(token)
    const res = await fetch(`${m![1]}/api/neurorail/v1/identity/missions`, {
      headers: { Authorization: `Bearer ${token}` }
    })
    expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(3)
    p.child.kill('SIGTERM')
    expect(await p.exit).toBe(0)
  }, 30_000)

  it('logs each request as one JSON line on stdout: level, ISO time, msg, request_id and the route', async () => {
    const token = 'cli-log-token-0123456789'
    const p = run(['--port', '0', '--db', path.join(dir, 'log.db'), '--token', token])
    await expect.poll(() => p.out(), { timeout: 15_000 }).toMatch(/listening on http/)
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(p.out())?.[1]
    await fetch(`${url}/api/neurorail/v1/capabilities`, {
      headers: { Authorization: `Bearer ${token}` }
    })
    const requestLine = (): Record<string, unknown> | undefined =>
      p
        .out()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((e) => e.msg === 'request')
    await expect.poll(requestLine, { timeout: 15_000 }).toBeDefined()
    const entry = requestLine()
    expect(entry).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      route: 'GET /capabilities',
      status: 200
    })
    expect(typeof entry?.request_id).toBe('string')
    expect(new Date(String(entry?.time)).toISOString()).toBe(entry?.time)
    expect(entry).not.toHaveProperty('pid')
    p.child.kill('SIGTERM')
    expect(await p.exit).toBe(0)
    expect(p.out()).toMatch(/"msg":"engine stopped"/)
  }, 30_000)
})

// The real `controldeck-engine` launcher (bin/controldeck-engine.mjs) and the Node process it
// starts: what other local users can read of the token, and what happens when the launcher dies.
// Lives outside src/ because it runs a bin against the bundle (built here, engine entry only).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const LAUNCHER = path.join(ROOT, 'bin/controldeck-engine.mjs')
const TOKEN = 'chosen-admin-token-0123456789abcdef'

interface Launched {
  launcher: ChildProcess
  output: () => string
  exit: Promise<number | null>
}

function launch(args: string[], env: Record<string, string> = {}): Launched {
  const launcher = spawn(process.execPath, [LAUNCHER, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CONTROLDECK_ENGINE_UNTUNED: '', ...env }
  })
  let out = ''
  launcher.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  launcher.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const exit = new Promise<number | null>((resolve) => launcher.on('exit', (code) => resolve(code)))
  return { launcher, output: () => out, exit }
}

/** Pids whose parent is `ppid`, from /proc/<pid>/stat (field 4, after the parenthesised name). */
function childrenOf(ppid: number): number[] {
  const out: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[1]) === ppid) out.push(Number(entry))
    } catch {
      // The process ended while we looked.
    }
  }
  return out
}

/** True while `pid` runs (a zombie waiting for a reaper has exited). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

function cmdline(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

async function listening(l: Launched): Promise<{ url: string; enginePid: number }> {
  await expect
    .poll(() => l.output(), { timeout: 15_000 })
    .toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/)
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(l.output())?.[1] as string
  const [enginePid] = childrenOf(l.launcher.pid as number)
  return { url, enginePid: enginePid as number }
}

describe.skipIf(process.platform !== 'linux')('controldeck-engine launcher', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cd-launcher-'))
  const launched: Launched[] = []
  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/build-node.mjs', 'engine'], { cwd: ROOT })
    expect(existsSync(path.join(ROOT, 'out/node/engine.js'))).toBe(true)
  })
  afterAll(() => {
    for (const l of launched) l.launcher.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps a --token off the engine process command line, scrubs its own, and never prints it', async () => {
    const l = launch([
      '--port',
      '0',
      '--db',
      path.join(dir, 'argv.db'),
      '--quiet',
      '--token',
      TOKEN
    ])
    launched.push(l)
    const { url, enginePid } = await listening(l)
    expect(enginePid).toBeGreaterThan(0)
    expect(cmdline(enginePid)).not.toContain(TOKEN)
    expect(cmdline(l.launcher.pid as number)).not.toContain(TOKEN)
    expect(l.output()).not.toContain(TOKEN)
    expect(l.output()).toContain('(admin token from --token)')
    const res = await fetch(`${url}/api/neurorail/v1/capabilities`, {
      headers: { Authorization: `Bearer ${TOKEN}` }
    })
    expect(res.status).toBe(200)
    l.launcher.kill('SIGTERM')
    expect(await l.exit).toBe(0)
  }, 60_000)

  it('takes the token from --token-file or CONTROLDECK_ENGINE_TOKEN, prints neither, and prints a generated one', async () => {
    const file = path.join(dir, 'token')
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 })
    for (const [args, env] of [
      [['--token-file', file], {}],
      [[], { CONTROLDECK_ENGINE_TOKEN: TOKEN }]
    ] as Array<[string[], Record<string, string>]>) {
      const l = launch(['--port', '0', '--db', ':memory:', '--quiet', ...args], env)
      launched.push(l)
      const { url, enginePid } = await listening(l)
      expect(cmdline(enginePid)).not.toContain(TOKEN)
      expect(l.output()).not.toContain(TOKEN)
      const res = await fetch(`${url}/api/neurorail/v1/capabilities`, {
        headers: { Authorization: `Bearer ${TOKEN}` }
      })
      expect(res.status).toBe(200)
      l.launcher.kill('SIGTERM')
      expect(await l.exit).toBe(0)
    }
    const generated = launch(['--port', '0', '--db', ':memory:', '--quiet'])
    launched.push(generated)
    await listening(generated)
    expect(generated.output()).toMatch(/admin token: cd_[\w-]{43}/)
    generated.launcher.kill('SIGTERM')
    expect(await generated.exit).toBe(0)
  }, 60_000)

  it('refuses a bad token file with one clear line and never echoes its content', async () => {
    const cases: Array<[string, RegExp]> = [
      ['', /the token is empty/],
      ['x'.repeat(600), /the token is too long/],
      ['has spaces in it 0123456789', /cannot carry/],
      ['short', /at least 16 characters/]
    ]
    for (const [content, message] of cases) {
      const file = path.join(dir, 'bad-token')
      writeFileSync(file, content)
      const l = launch(['--port', '0', '--db', ':memory:', '--token-file', file])
      expect(await l.exit).toBe(1)
      expect(l.output()).toMatch(message)
      if (content) expect(l.output()).not.toContain(content)
    }
    const missing = launch([
      '--port',
      '0',
      '--db',
      ':memory:',
      '--token-file',
      path.join(dir, 'nope')
    ])
    expect(await missing.exit).toBe(1)
    expect(missing.output()).toMatch(/cannot read it \(ENOENT\)/)
    const both = launch([
      '--port',
      '0',
      '--db',
      ':memory:',
      '--token',
      TOKEN,
      '--token-file',
      path.join(dir, 'token')
    ])
    expect(await both.exit).toBe(1)
    expect(both.output()).toMatch(/not both/)
  }, 60_000)

  it('stops the engine when the launcher is killed with SIGKILL: the port is free again', async () => {
    const l = launch(['--port', '0', '--db', path.join(dir, 'orphan.db'), '--quiet'])
    launched.push(l)
    const { url, enginePid } = await listening(l)
    const port = Number(new URL(url).port)
    expect(running(enginePid)).toBe(true)
    l.launcher.kill('SIGKILL')
    await expect.poll(() => running(enginePid), { timeout: 10_000 }).toBe(false)
    expect(await portFree(port)).toBe(true)
  }, 60_000)
})

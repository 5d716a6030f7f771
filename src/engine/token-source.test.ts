import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { readTokenFile } from './token-source'

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))
const TOKEN = 'token-source-test-0123456789'

describe('--token-file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cd-token-file-'))
  const children: ChildProcess[] = []
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** The engine CLI as a user runs it; its exit code and everything it printed. */
  function engine(args: string[]): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    children.push(child)
    let output = ''
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })))
  }

  // In a child process: before the fix, opening a FIFO without a writer blocked the engine for
  // good (the test then fails on its timeout instead of hanging the test run with it).
  it('refuses a FIFO without waiting for a writer, naming the path', async () => {
    const fifo = path.join(dir, 'token.fifo')
    execFileSync('mkfifo', [fifo])
    const { code, output } = await engine(['--port', '0', '--db', ':memory:', '--token-file', fifo])
    expect(code).toBe(1)
    expect(output).toContain(`--token-file ${fifo}: not a regular file (a FIFO)`)
    // The same answer in-process, now that nothing blocks.
    expect(readTokenFile(fifo)).toEqual({
      ok: false,
      error: `--token-file ${fifo}: not a regular file (a FIFO); give a file holding the token`
    })
  }, 30_000)

  it('refuses a device and a directory, and bounds the size of a regular file', () => {
    expect(readTokenFile('/dev/zero')).toMatchObject({
      ok: false,
      error: expect.stringMatching(
        /^--token-file \/dev\/zero: not a regular file \(a character device\)/
      )
    })
    expect(readTokenFile(dir)).toMatchObject({
      ok: false,
      error: expect.stringContaining(`--token-file ${dir}: not a regular file (a directory)`)
    })
    const big = path.join(dir, 'big')
    writeFileSync(big, 'a'.repeat(5000))
    expect(readTokenFile(big)).toEqual({
      ok: false,
      error: `--token-file ${big}: too large for a token (5000 bytes, at most 4096)`
    })
    const good = path.join(dir, 'good')
    writeFileSync(good, `${TOKEN}\n`, { mode: 0o600 })
    expect(readTokenFile(good)).toEqual({ ok: true, token: TOKEN })
  })
})

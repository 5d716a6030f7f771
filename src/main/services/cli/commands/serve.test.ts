import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnNode } from '../../testing/spawn-node'

// The real CLI entry under Node (through tsx), as `controldeck serve` runs it.
const ENTRY = path.resolve('src/main/services/cli/main.ts')
const NODE_ARGS = ['--import', 'tsx', ENTRY]

let dataDir: string
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cd-cli-serve-'))
})
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

describe('controldeck serve', () => {
  it('starts the engine and browser mode, prints a one-time address, keeps the token in a 0600 file, stops on SIGTERM', async () => {
    const p = spawnNode([...NODE_ARGS, 'serve', '--data-dir', dataDir])
    try {
      await expect
        .poll(() => p.stdout, { timeout: 15_000 })
        .toMatch(
          /ControlDeck browser mode: http:\/\/127\.0\.0\.1:\d+\/login\?code=[A-Za-z0-9_-]+\n/
        )
      const url = new URL(/http\S+/.exec(p.stdout)![0])
      // The token is never printed; scripts read it from a file only this user can read.
      const tokenFile = path.join(dataDir, 'serve-token')
      expect(p.stdout).toContain(tokenFile)
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600)
      const token = (await readFile(tokenFile, 'utf8')).trim()
      expect(token).toMatch(/^[0-9a-f]{64}$/)
      expect(p.stdout).not.toContain(token)
      // The printed address signs a browser in once.
      expect((await fetch(url, { redirect: 'manual' })).status).toBe(303)
      expect((await fetch(url, { redirect: 'manual' })).status).toBe(401)
      const res = await fetch(`${url.origin}/api/getAppInfo`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: '{}'
      })
      const body = (await res.json()) as { result: { transport: string; localEngineUrl: string } }
      expect(body.result.transport).toBe('browser')
      // The engine it started answers on loopback and, without its per-launch token, refuses.
      expect(body.result.localEngineUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const capabilities = await fetch(
        `${body.result.localEngineUrl}/api/neurorail/v1/capabilities`
      )
      expect(capabilities.status).toBe(401)
    } finally {
      p.child.kill('SIGTERM')
    }
    expect(await p.exited).toBe(0)
    expect(p.stderr).not.toMatch(/\n\s+at /)
    expect(existsSync(path.join(dataDir, 'serve-token'))).toBe(false)
  })

  it('refuses a bad --port in one line with exit code 1', () => {
    const result = spawnSync(process.execPath, [...NODE_ARGS, 'serve', '--port', 'eighty'], {
      encoding: 'utf8'
    })
    expect(result.status).toBe(1)
    expect(result.stderr.trim()).toBe('controldeck: --port must be a number')
  })
})

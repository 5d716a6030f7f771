import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { request } from 'node:http'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnNode, type WatchedProcess } from '../../testing/spawn-node'
import { makeTempDir } from '../../testing/temp-dir'

// The real CLI entry under Node (through tsx), as `controldeck serve` runs it.
const NODE_ARGS = ['--import', 'tsx', path.resolve('src/main/services/cli/main.ts')]
const data = makeTempDir('cd-cli-serve-')
const dataDir = data.dir
afterAll(() => data.remove())

/** What `serve --json` printed once it listens: its origin and its token file. */
async function served(p: WatchedProcess): Promise<{ origin: string; tokenFile: string }> {
  await expect.poll(() => p.stdout, { timeout: 15_000 }).toMatch(/"tokenFile":"[^"]+"/)
  return JSON.parse(p.stdout.trim().split('\n').at(-1) as string) as {
    origin: string
    tokenFile: string
  }
}

/** The status of a method call to `origin` whose Host header names `host` (fetch picks its own). */
function statusAsHost(origin: string, host: string, token: string): Promise<number> {
  const { hostname, port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path: '/api/getAppInfo',
        method: 'POST',
        headers: {
          Host: host,
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json'
        }
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      }
    )
    req.on('error', reject)
    req.end('{}')
  })
}

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

  it('answers the host names given with --allow-host (repeatable), and still refuses others', async () => {
    const hosts = makeTempDir('cd-cli-serve-hosts-')
    const p = spawnNode([
      ...NODE_ARGS,
      'serve',
      '--json',
      '--no-engine',
      '--allow-host',
      'deck.lan',
      '--allow-host',
      'Console.Example:8443',
      '--data-dir',
      hosts.dir
    ])
    try {
      const { origin, tokenFile } = await served(p)
      const token = (await readFile(tokenFile, 'utf8')).trim()
      const port = new URL(origin).port
      // A name alone: any port (a reverse proxy's); name:port: that port only.
      expect(await statusAsHost(origin, `deck.lan:${port}`, token)).toBe(200)
      expect(await statusAsHost(origin, 'deck.lan', token)).toBe(200)
      expect(await statusAsHost(origin, 'console.example:8443', token)).toBe(200)
      expect(await statusAsHost(origin, `console.example:${port}`, token)).toBe(403)
      expect(await statusAsHost(origin, `other.lan:${port}`, token)).toBe(403)
    } finally {
      p.child.kill('SIGTERM')
      await p.exited
      hosts.remove()
    }
  })

  it('refuses a bad --allow-host in one line with exit code 1, before anything listens', () => {
    const result = spawnSync(
      process.execPath,
      [...NODE_ARGS, 'serve', '--allow-host', 'deck.lan', '--allow-host', 'not a host'],
      { encoding: 'utf8' }
    )
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim()).toBe(
      'controldeck: --allow-host: "not a host" is not a host name, host:port or *'
    )
  })

  it('refuses a bad --port in one line with exit code 1', () => {
    const result = spawnSync(process.execPath, [...NODE_ARGS, 'serve', '--port', 'eighty'], {
      encoding: 'utf8'
    })
    expect(result.status).toBe(1)
    expect(result.stderr.trim()).toBe('controldeck: --port must be a number')
  })
})

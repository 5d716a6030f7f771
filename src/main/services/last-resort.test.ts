import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnNode } from './testing/spawn-node'

// The real CLI entry under Node (through tsx), plus a module that fails on SIGUSR2.
const NODE_ARGS = [
  '--import',
  'tsx',
  '--import',
  path.resolve('src/main/services/testing/throw-on-signal.ts'),
  path.resolve('src/main/services/cli/main.ts')
]

let dataDir: string
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cd-last-resort-'))
})
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

/** Issue 10 item 1: embedded mode logs what nothing caught and keeps serving. */
describe('controldeck serve last-resort handler', () => {
  it('logs an uncaught exception and an unhandled rejection, and the console and engine keep answering', async () => {
    const p = spawnNode([...NODE_ARGS, 'serve', '--json', '--data-dir', dataDir])
    try {
      await expect.poll(() => p.stdout, { timeout: 15_000 }).toMatch(/"engineUrl":"http:[^"]+"/)
      const printed = JSON.parse(p.stdout.trim().split('\n').at(-1) as string) as {
        origin: string
        engineUrl: string
      }
      p.child.kill('SIGUSR2')
      await expect
        .poll(() => p.stderr, { timeout: 10_000 })
        .toContain('controldeck: unhandled rejection (kept running): nobody handles this')
      await expect
        .poll(() => p.stderr, { timeout: 10_000 })
        .toContain('controldeck: unexpected error (kept running): boom from a timer')
      // Both servers of the process still answer (401: alive, and still asking for a token).
      expect((await fetch(`${printed.engineUrl}/api/neurorail/v1/capabilities`)).status).toBe(401)
      expect(
        (await fetch(`${printed.origin}/api/getAppInfo`, { method: 'POST', body: '{}' })).status
      ).toBe(401)
    } finally {
      p.child.kill('SIGTERM')
    }
    expect(await p.exited).toBe(0)
  })
})

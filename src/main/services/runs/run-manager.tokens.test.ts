// A local run's own token is revoked on the engine once its process has exited.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningEngine } from '../../../engine'
import { startTempEngine, type TempEngine } from '../testing/temp-engine'
import { RunManager } from './run-manager'

let engine: RunningEngine
let tmp: TempEngine
let manager: RunManager
const issued: string[] = []
const revoked: string[] = []

/** GET /capabilities with `token`: 200 while the token is valid, 401 once revoked. */
async function statusWith(token: string): Promise<number> {
  const res = await fetch(`${engine.baseUrl}/capabilities`, { headers: { Authorization: `Bearer ${token}` } })
  await res.arrayBuffer()
  return res.status
}

beforeAll(async () => {
  tmp = await startTempEngine('controldeck-run-tokens-')
  engine = tmp.engine
  manager = new RunManager({
    engine: () => ({
      url: engine.url,
      adminToken: engine.adminToken,
      addToken: (token, role, name) => {
        issued.push(token)
        engine.addToken(token, role, name)
      },
      removeToken: (token) => {
        revoked.push(token)
        engine.removeToken(token)
      }
    }),
    onOutput: () => undefined,
    onChanged: () => undefined,
    stopGraceMs: 300,
    flushMs: 10
  })
})

afterAll(async () => {
  await manager?.dispose()
  await tmp?.close()
})

describe('RunManager tokens', () => {
  it('revokes the run token after the process exits (and after its mission was finalized)', async () => {
    const script = path.join(tmp.dir, 'token-echo.mjs')
    // The script proves the token works while it runs: it calls the engine with it.
    writeFileSync(
      script,
      [
        "const res = await fetch(process.env.CONTROLDECK_URL + '/api/neurorail/v1/capabilities', {",
        "  headers: { Authorization: 'Bearer ' + process.env.CONTROLDECK_TOKEN }",
        '})',
        "console.log('status ' + res.status)"
      ].join('\n')
    )
    const run = await manager.start(script)
    const token = issued.at(-1)!
    expect(token).not.toBe(engine.adminToken)
    const done = await manager.waitForExit(run.runId)
    expect(done.exitCode).toBe(0)
    expect(manager.output(run.runId).lines.map((l) => l.text)).toContain('status 200')
    expect(revoked).toContain(token)
    expect(await statusWith(token)).toBe(401)
    // The mission was still closed with that token before it was revoked.
    const state = await fetch(`${engine.baseUrl}/lifecycle/mission/${run.missionId}/state`, {
      headers: { Authorization: `Bearer ${engine.adminToken}` }
    })
    expect(((await state.json()) as { current_state: string }).current_state).toBe('cancelled')
    expect(await statusWith(engine.adminToken)).toBe(200)
  })

  it('never revokes the admin token that runs share when the engine cannot issue tokens', async () => {
    const removed: string[] = []
    const shared = new RunManager({
      engine: () => ({ url: engine.url, adminToken: engine.adminToken, removeToken: (t) => removed.push(t) }),
      onOutput: () => undefined,
      onChanged: () => undefined,
      flushMs: 10
    })
    try {
      const script = path.join(tmp.dir, 'noop.mjs')
      writeFileSync(script, "console.log('ok')")
      const run = await shared.start(script)
      await shared.waitForExit(run.runId)
      expect(removed).toEqual([])
      expect(await statusWith(engine.adminToken)).toBe(200)
    } finally {
      await shared.dispose()
    }
  })
})

// Durability as a client sees it, with the engine as a real process on a real SQLite file:
// everything acknowledged survives a SIGKILL, and a write whose COMMIT fails is never
// acknowledged. The second half fails if the HTTP layer answers before the group commit is on
// disk (drop the `committed()` await in src/engine/http/server.ts to see it).
import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { Store } from './store'
import { suiteTempDir } from '../testing/suite'

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url))
const TOKEN = 'durability-admin-token-0123456789'
const CLIENTS = 8

interface EngineProcess {
  child: ChildProcess
  baseUrl: string
  exited: Promise<void>
}

async function startEngineProcess(dbPath: string): Promise<EngineProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, '--port', '0', '--db', dbPath, '--quiet'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CONTROLDECK_ENGINE_TOKEN: TOKEN }
    }
  )
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  await expect.poll(() => out, { timeout: 15_000 }).toMatch(/listening on http:\/\/\S+/)
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1] as string
  return { child, baseUrl: `${url}/api/neurorail/v1`, exited }
}

async function kill9(e: EngineProcess): Promise<void> {
  e.child.kill('SIGKILL')
  await e.exited
}

interface Outcome {
  kind: 'audit' | 'mission'
  /** What identifies the write in the database: the audit message, or the mission's probe tag. */
  key: string
  status: number
}

/** One write over HTTP; `status` 0 when the connection died before an answer. */
async function write(baseUrl: string, kind: Outcome['kind'], message: string): Promise<Outcome> {
  const [route, body] =
    kind === 'audit'
      ? [
          '/audit/log',
          { event_type: 'durability', event_category: 'execution', message, details: {} }
        ]
      : ['/identity/mission', { tags: { probe: message } }]
  try {
    const res = await fetch(baseUrl + route, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    })
    await res.arrayBuffer()
    return { kind, key: message, status: res.status }
  } catch {
    return { kind, key: message, status: 0 }
  }
}

function present(db: Database.Database, o: Outcome): boolean {
  const row =
    o.kind === 'audit'
      ? db.prepare('SELECT 1 FROM audit_events WHERE message = ?').get(o.key)
      : db.prepare(`SELECT 1 FROM missions WHERE json_extract(tags, '$.probe') = ?`).get(o.key)
  return row !== undefined
}

describe('durability by crash (engine process, SIGKILL, real SQLite file)', () => {
  const dir = suiteTempDir('cd-durability-')

  it('finds every acknowledged write after SIGKILL, with writes still in flight at the kill', async () => {
    const dbPath = path.join(dir, 'crash.db')
    const engine = await startEngineProcess(dbPath)
    const acked: Outcome[] = []
    const target = 400
    let killed: Promise<void> | null = null
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = 0; !killed; i++) {
          const o = await write(
            engine.baseUrl,
            c % 2 === 0 ? 'audit' : 'mission',
            `crash-${c}-${i}`
          )
          if (o.status === 201) acked.push(o)
          // The kill lands while the other clients' requests are in flight.
          if (acked.length >= target && !killed) killed = kill9(engine)
        }
      })
    )
    await killed
    expect(acked.length).toBeGreaterThanOrEqual(target)
    const db = new Database(dbPath)
    try {
      const missing = acked.filter((o) => !present(db, o))
      expect(missing).toEqual([])
    } finally {
      db.close()
    }
  }, 60_000)

  it('never acknowledges a write whose COMMIT failed, and keeps serving after it', async () => {
    // A real COMMIT failure: a deferred foreign key is checked only at COMMIT, so a marker audit
    // row makes its whole batch's COMMIT fail (SQLITE_CONSTRAINT_FOREIGNKEY) after every
    // statement of every request in it succeeded.
    const dbPath = path.join(dir, 'commit-failure.db')
    new Store(dbPath, { checkpointIntervalMs: 0 }).close()
    const setup = new Database(dbPath)
    setup.exec(`
      CREATE TABLE commit_fuse_parent (id INTEGER PRIMARY KEY);
      CREATE TABLE commit_fuse (parent INTEGER REFERENCES commit_fuse_parent (id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER commit_fuse_on_marker AFTER INSERT ON audit_events WHEN NEW.message LIKE 'FAIL-COMMIT%'
      BEGIN INSERT INTO commit_fuse (parent) VALUES (1); END;
    `)
    setup.close()
    const engine = await startEngineProcess(dbPath)
    const outcomes: Outcome[] = []
    try {
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          for (let i = 0; i < 30; i++) {
            const marker = c === 0 && i % 5 === 0
            const kind = marker || c % 2 === 0 ? 'audit' : 'mission'
            outcomes.push(
              await write(engine.baseUrl, kind, `${marker ? 'FAIL-COMMIT' : 'ok'}-${c}-${i}`)
            )
          }
        })
      )
      // After the failures the engine still writes and acknowledges.
      const after = await write(engine.baseUrl, 'audit', 'after-the-failures')
      expect(after.status).toBe(201)
      outcomes.push(after)
    } finally {
      await kill9(engine)
    }
    const markers = outcomes.filter((o) => o.key.startsWith('FAIL-COMMIT'))
    expect(markers).toHaveLength(6)
    expect(markers.filter((o) => o.status >= 200 && o.status < 300)).toEqual([])
    expect(new Set(markers.map((o) => o.status))).toEqual(new Set([500]))
    const db = new Database(dbPath)
    try {
      // Acknowledged if and only if on disk: a 2xx for a rolled-back write, or a write on disk
      // that its client was told failed, are both wrong.
      const wrong = outcomes.filter((o) => (o.status >= 200 && o.status < 300) !== present(db, o))
      expect(wrong).toEqual([])
      expect(
        db.prepare(`SELECT count(*) AS n FROM audit_events WHERE message LIKE 'FAIL-COMMIT%'`).get()
      ).toEqual({ n: 0 })
    } finally {
      db.close()
    }
  }, 60_000)
})

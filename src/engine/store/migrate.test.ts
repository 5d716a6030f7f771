import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { GOVERNANCE_MIGRATIONS } from '../governance/migration'
import { OTLP_INGEST_MIGRATIONS } from '../otlp/ingest-migration'
import { startTestEngine } from '../testing/harness'
import { LEDGER_FORMAT } from './migrate'
import { MIGRATIONS } from './migrations'
import { Store } from './store'
import { suiteTempDir } from '../testing/suite'

/**
 * `fixtures/engine-v5.db.gz`: a database written by the engine before modules owned their
 * migrations (one list, `user_version` 5: core v1, governance, core v3, core v4, governance give-up),
 * holding one mission, plan and job with a metadata budget.
 */
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'engine-v5.db.gz')
const MISSION = 'm_bb03448d3366'
const JOB = 'j_7322ad87bc01'

/** Every table and index with its SQL, the ledger left out: what migrations built. */
function schemaOf(file: string): Array<{ name: string; sql: string | null }> {
  const db = new Database(file, { readonly: true })
  try {
    return db
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name <> 'schema_modules' ORDER BY name"
      )
      .all() as Array<{ name: string; sql: string | null }>
  } finally {
    db.close()
  }
}

function ledgerOf(file: string): { userVersion: number; modules: Record<string, number> } {
  const db = new Database(file, { readonly: true })
  try {
    const rows = db.prepare('SELECT module, version FROM schema_modules').all() as Array<{
      module: string
      version: number
    }>
    return {
      userVersion: db.pragma('user_version', { simple: true }) as number,
      modules: Object.fromEntries(rows.map((r) => [r.module, r.version]))
    }
  } finally {
    db.close()
  }
}

/** A fresh store file whose ledger says a newer engine migrated governance one step further. */
function writeNewerGovernance(file: string): void {
  new Store(file).close()
  const raw = new Database(file)
  raw
    .prepare("INSERT INTO schema_modules (module, version) VALUES ('governance', ?)")
    .run(GOVERNANCE_MIGRATIONS.length + 1)
  raw.close()
}

describe('per-module migration ledger', () => {
  const dir = suiteTempDir('cd-engine-migrate-')

  it('adopts a single-list v5 database without running anything again, and serves its data', async () => {
    const legacyDir = mkdtempSync(path.join(dir, 'legacy-'))
    const file = path.join(legacyDir, 'engine.db')
    writeFileSync(file, gunzipSync(readFileSync(FIXTURE)))
    const before = schemaOf(file)
    const epoch = (
      new Database(file, { readonly: true })
        .prepare("SELECT value FROM stream_log WHERE key = 'epoch'")
        .get() as { value: string }
    ).value
    expect(before.some((t) => t.name === 'gov_job_give_ups')).toBe(true)

    // OTLP ingest is a module of its own with its own tables; these cases are about core and governance.
    const t = await startTestEngine({ dir: legacyDir, otlp: false })
    try {
      expect((await t.api('GET', `/identity/mission/${MISSION}`)).body.mission_id).toBe(MISSION)
      const budget = await t.api('GET', `/budget/jobs/${JOB}`)
      expect(budget.status).toBe(200)
      expect(budget.body.budget.max_retries).toBe(2)
      // The log kept its identity: v4 (which draws a new epoch) did not run again.
      expect((await t.api('GET', '/capabilities')).body.stream_epoch).toBe(epoch)
    } finally {
      await t.stop()
    }
    expect(ledgerOf(file)).toEqual({
      userVersion: LEDGER_FORMAT,
      modules: { core: MIGRATIONS.length, governance: GOVERNANCE_MIGRATIONS.length }
    })
    // Not one table or index was added, dropped or altered.
    expect(schemaOf(file)).toEqual(before)
  })

  it('builds a fresh file to the same schema a v5 file has', async () => {
    const freshDir = mkdtempSync(path.join(dir, 'fresh-'))
    const t = await startTestEngine({ dir: freshDir, otlp: false })
    await t.stop()
    const legacy = path.join(dir, 'legacy-schema.db')
    writeFileSync(legacy, gunzipSync(readFileSync(FIXTURE)))
    const normalise = (rows: Array<{ name: string; sql: string | null }>) =>
      rows.map((r) => ({ name: r.name, sql: r.sql?.replace(/\s+/g, ' ') ?? null }))
    expect(normalise(schemaOf(path.join(freshDir, 'engine.db')))).toEqual(
      normalise(schemaOf(legacy))
    )
  })

  it('refuses a file whose module schema is newer than this engine knows', () => {
    const file = path.join(dir, 'newer-module.db')
    writeNewerGovernance(file)
    const store = new Store(file)
    try {
      expect(() => store.migrateModule('governance', GOVERNANCE_MIGRATIONS)).toThrow(
        /module governance .* newer than this engine/
      )
    } finally {
      store.close()
    }
  })

  it('an engine whose module cannot migrate does not start', async () => {
    const newerDir = mkdtempSync(path.join(dir, 'newer-'))
    const file = path.join(newerDir, 'engine.db')
    writeNewerGovernance(file)
    await expect(startTestEngine({ dir: newerDir })).rejects.toThrow(
      /module governance .* newer than this engine/
    )
    // Nothing of it was touched: the ledger still says what the newer engine wrote.
    expect(ledgerOf(file).modules).toEqual({
      core: MIGRATIONS.length,
      governance: GOVERNANCE_MIGRATIONS.length + 1
    })
  })

  it('an engine without governance leaves its tables alone, and a later one adds them', async () => {
    const bareDir = mkdtempSync(path.join(dir, 'bare-'))
    const bare = await startTestEngine({ dir: bareDir, governance: false, otlp: false })
    expect((await bare.api('GET', '/capabilities')).body.features).not.toContain('budgets')
    expect((await bare.api('GET', '/budget/violations')).status).toBe(404)
    await bare.stop()
    expect(ledgerOf(path.join(bareDir, 'engine.db')).modules).toEqual({ core: MIGRATIONS.length })
    const full = await startTestEngine({ dir: bareDir, otlp: false })
    expect((await full.api('GET', '/budget/violations')).status).toBe(200)
    await full.stop()
    expect(ledgerOf(path.join(bareDir, 'engine.db')).modules).toEqual({
      core: MIGRATIONS.length,
      governance: GOVERNANCE_MIGRATIONS.length
    })
    // The default engine adds the OTLP ingest module's tables the same way, touching nothing else.
    const withOtlp = await startTestEngine({ dir: bareDir })
    await withOtlp.stop()
    expect(ledgerOf(path.join(bareDir, 'engine.db')).modules).toMatchObject({
      core: MIGRATIONS.length,
      governance: GOVERNANCE_MIGRATIONS.length,
      otlp: OTLP_INGEST_MIGRATIONS.length
    })
  })
})

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase, pragmaNumber } from './database'
import { decodeKeyset, encodeKeyset, keysetPage, MAX_CURSOR_LENGTH, packCursor } from './keyset'
import { StatementCache } from './statements'

const dirs: string[] = []
function tempFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cd-sqlite-kit-'))
  dirs.push(dir)
  return path.join(dir, 'kit.db')
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const V1 = 'CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)'
const V2 = 'ALTER TABLE t ADD COLUMN note TEXT'
const tooNew = (v: number, known: number): string => `file at ${v}, newer than ${known}`

describe('openDatabase', () => {
  it('migrates a new file, upgrades an old one in place and refuses a newer one', () => {
    const file = tempFile()
    const v1 = openDatabase(file, { migrations: [V1], tooNew })
    v1.prepare('INSERT INTO t (name) VALUES (?)').run('kept')
    expect(pragmaNumber(v1, 'user_version')).toBe(1)
    v1.close()

    const v2 = openDatabase(file, { migrations: [V1, V2], pragmas: ['journal_mode = WAL'], tooNew })
    expect(pragmaNumber(v2, 'user_version')).toBe(2)
    expect(
      v2.prepare<[], { name: string; note: string | null }>('SELECT name, note FROM t').all()
    ).toEqual([{ name: 'kept', note: null }])
    v2.close()

    expect(() => openDatabase(file, { migrations: [V1], tooNew })).toThrow(
      'file at 2, newer than 1'
    )
  })

  it('runs new-file pragmas only on a file that was never migrated', () => {
    const withNewFilePragma = (file: string) =>
      openDatabase(file, {
        newFilePragmas: ['auto_vacuum = INCREMENTAL'],
        migrations: [V1],
        tooNew
      })
    const fresh = withNewFilePragma(tempFile())
    expect(pragmaNumber(fresh, 'auto_vacuum')).toBe(2)
    fresh.close()
    const plain = tempFile()
    openDatabase(plain, { migrations: [V1], tooNew }).close()
    const again = withNewFilePragma(plain)
    expect(pragmaNumber(again, 'auto_vacuum')).toBe(0)
    again.close()
  })

  it('leaves the file at the last good version when a migration fails, and closes it', () => {
    const file = tempFile()
    expect(() => openDatabase(file, { migrations: [V1, 'NOT SQL AT ALL'], tooNew })).toThrow()
    const db = openDatabase(file, { migrations: [V1], tooNew })
    expect(pragmaNumber(db, 'user_version')).toBe(1)
    db.close()
  })

  it('refuses a pragma that does not answer a number', () => {
    const db = openDatabase(':memory:', { migrations: [], tooNew })
    expect(() => pragmaNumber(db, 'journal_mode')).toThrow(/did not answer a number/)
    db.close()
  })
})

describe('StatementCache', () => {
  it('prepares each SQL text once and types its rows', () => {
    const db = openDatabase(':memory:', { migrations: [V1], tooNew })
    const cache = new StatementCache(db)
    const insert = cache.prepare<[string]>('INSERT INTO t (name) VALUES (?)')
    expect(cache.prepare('INSERT INTO t (name) VALUES (?)')).toBe(insert)
    insert.run('a')
    const row = cache
      .prepare<[number], { id: number; name: string }>('SELECT id, name FROM t WHERE id = ?')
      .get(1)
    expect(row).toEqual({ id: 1, name: 'a' })
    db.close()
  })
})

describe('keyset cursors', () => {
  it('round-trip a key and refuse cursors that are not ours', () => {
    expect(decodeKeyset(encodeKeyset(['2026-01-01T00:00:00Z', 'a_1']), 2)).toEqual([
      '2026-01-01T00:00:00Z',
      'a_1'
    ])
    expect(decodeKeyset(encodeKeyset([1, 'x']), 3)).toBeNull()
    expect(decodeKeyset(packCursor({ k: 1 }), 1)).toBeNull()
    expect(decodeKeyset(packCursor([null, 1]), 2)).toBeNull()
    expect(decodeKeyset('%%%not-base64', 1)).toBeNull()
    expect(decodeKeyset('A'.repeat(MAX_CURSOR_LENGTH + 1), 1)).toBeNull()
  })

  it('page with one extra row: a cursor only when there is more', () => {
    const rows = [{ k: 3 }, { k: 2 }, { k: 1 }]
    const more = keysetPage(
      rows,
      2,
      (r) => r.k,
      (r) => [r.k]
    )
    expect(more.items).toEqual([3, 2])
    expect(decodeKeyset(more.nextCursor ?? '', 1)).toEqual([2])
    expect(
      keysetPage(
        rows,
        3,
        (r) => r.k,
        (r) => [r.k]
      ).nextCursor
    ).toBeNull()
  })
})

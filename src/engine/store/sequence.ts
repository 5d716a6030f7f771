import type Database from 'better-sqlite3'

/**
 * An in-memory counter for an AUTOINCREMENT column, seeded from the table. The engine is the only
 * writer of its file, so handing out the next value before the insert is safe, and it lets an ID
 * that embeds the sequence number be built in the same statement. A rolled-back transaction leaves
 * a gap, never a duplicate.
 */
export class Sequence {
  private next: number

  constructor(db: Database.Database, table: string, column: string) {
    const max = db
      .prepare<[], { m: number | null }>(`SELECT MAX(${column}) AS m FROM ${table}`)
      .get()
    const seq = db
      .prepare<[string], { seq: number }>('SELECT seq FROM sqlite_sequence WHERE name = ?')
      .get(table)
    this.next = Math.max(max?.m ?? 0, seq?.seq ?? 0) + 1
  }

  /** Takes the next value. */
  take(): number {
    return this.next++
  }

  /** The last value handed out (0 when none). */
  last(): number {
    return this.next - 1
  }
}

import type Database from 'better-sqlite3'
import type { Statement } from 'better-sqlite3'

/**
 * Prepared statements of one connection, cached by their SQL text: preparing costs far more than
 * running, and the hot paths (transitions, audit writes, cache puts) reuse a handful of
 * statements thousands of times a second. `prepare<Params, Row>` types what a statement takes and
 * what its rows hold, so callers read typed rows instead of casting each `get`/`all`.
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement>()

  constructor(private readonly db: Database.Database) {}

  /**
   * The cached statement for `sql`. `Params` are the values of its `?` (a tuple, or `unknown[]`
   * for a built WHERE), `Row` one result row as the SELECT names its columns.
   */
  prepare<Params extends unknown[] = unknown[], Row = unknown>(
    sql: string
  ): Statement<Params, Row> {
    let stmt = this.statements.get(sql)
    if (!stmt) {
      stmt = this.db.prepare(sql)
      this.statements.set(sql, stmt)
    }
    // One statement serves every typing of the same text; the SQL fixes what it really takes.
    return stmt as unknown as Statement<Params, Row>
  }
}

/**
 * The row of a query that always answers exactly one (an aggregate: COUNT, SUM, MIN over a table),
 * typed by its statement.
 * @throws when there is none: a broken query, never a matter of the data.
 */
export function aggregateRow<Params extends unknown[], Row>(
  stmt: Statement<Params, Row>,
  ...params: Params
): Row {
  const row = stmt.get(...params)
  if (row === undefined) throw new Error(`aggregate query answered no row: ${stmt.source}`)
  return row
}

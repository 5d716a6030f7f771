import type { KeysetKey } from './keyset'

/**
 * A SQL `WHERE` built from a list route's optional filters: each condition joins with AND and
 * keeps its `?` arguments in order, so the statement and its arguments cannot drift apart.
 */
export class Where {
  private readonly conditions: string[] = []
  /** The parameters of every condition, in the order of their `?`. */
  readonly params: unknown[] = []

  /** Adds `condition` with the values of its `?`. */
  add(condition: string, ...values: unknown[]): this {
    this.conditions.push(condition)
    this.params.push(...values)
    return this
  }

  /** Adds `condition` with `value` as its one parameter, unless the filter is not given. */
  optional(condition: string, value: string | number | undefined): this {
    return value === undefined ? this : this.add(condition, value)
  }

  /**
   * Keyset paging: only rows past `key` (the sort key of the last row of the previous page) along
   * `columns`, `<` for a descending sort, `>` for an ascending one; null: the first page. A row
   * value comparison, which SQLite and PostgreSQL both read and an index on `columns` serves.
   */
  pastKey(columns: readonly string[], op: '<' | '>', key: KeysetKey | null): this {
    if (!key) return this
    if (key.length !== columns.length)
      throw new RangeError('keyset key and columns differ in length')
    return this.add(`(${columns.join(', ')}) ${op} (${columns.map(() => '?').join(', ')})`, ...key)
  }

  /** Adds `column = ?` when `value` is set (an empty string counts as unset, as a blank filter). */
  equals(column: string, value: string | null | undefined): this {
    return value ? this.add(`${column} = ?`, value) : this
  }

  /** Adds `column >= since` and `column <= until` (ISO times, compared as epoch ms) for each bound set. */
  between(
    column: string,
    since: string | null | undefined,
    until: string | null | undefined
  ): this {
    if (since) this.add(`${column} >= ?`, Date.parse(since))
    if (until) this.add(`${column} <= ?`, Date.parse(until))
    return this
  }

  /** `WHERE a AND b`, or '' when there is no condition. */
  clause(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : ''
  }
}

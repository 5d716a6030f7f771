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

  /** Adds `column = ?` when `value` is set (an empty string counts as unset, as a blank filter). */
  equals(column: string, value: string | null | undefined): this {
    return value ? this.add(`${column} = ?`, value) : this
  }

  /** Adds `column >= since` and `column <= until` (ISO times, compared as epoch ms) for each bound set. */
  between(column: string, since: string | null | undefined, until: string | null | undefined): this {
    if (since) this.add(`${column} >= ?`, Date.parse(since))
    if (until) this.add(`${column} <= ?`, Date.parse(until))
    return this
  }

  /** `WHERE a AND b`, or '' when there is no condition. */
  clause(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : ''
  }
}

import type { PromText } from '../metrics/prometheus'
import type { Store } from '../store/store'
import type { ReflexService } from './reflex/reflex-service'
import { aggregateRow } from '../store/statements'

const CIRCUIT_STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const

/**
 * Appends API §8's enforcement and reflex counters to /metrics. Counts come from the stored
 * ledgers (violations, actions, retry accounting), so they survive restarts like the data does.
 */
export function governanceMetrics(store: Store, reflex: ReflexService): (p: PromText) => void {
  return (p) => {
    const byType = store
      .prepare<
        unknown[],
        {
          t: string
          n: number
        }
      >('SELECT violation_type AS t, COUNT(*) AS n FROM gov_violations GROUP BY violation_type')
      .all()
    const count = (t: string): number => byType.find((r) => r.t === t)?.n ?? 0
    p.family('neurorail_budget_violations_total', 'counter', 'Budget violations, by type')
    for (const r of byType)
      p.sample('neurorail_budget_violations_total', r.n, { violation_type: r.t })
    const grace = aggregateRow(
      store.prepare<[], { n: number }>(
        `SELECT COUNT(*) AS n FROM gov_violations WHERE violation_type = 'timeout' AND json_extract(details, '$.grace_period_invoked') = 1`
      )
    ).n
    const retries = aggregateRow(
      store.prepare<[], { n: number }>(
        'SELECT COALESCE(SUM(retries_used), 0) AS n FROM gov_job_budgets'
      )
    ).n
    const simple: Array<[string, string, number]> = [
      [
        'neurorail_enforcement_timeouts_total',
        'Attempt timeouts (enforced by the engine or by the agent)',
        count('timeout')
      ],
      ['neurorail_enforcement_retries_total', 'Retries granted within budget', retries],
      [
        'neurorail_enforcement_parallelism_rejected_total',
        'Attempt starts refused for parallelism',
        count('parallelism')
      ],
      [
        'neurorail_enforcement_cost_violations_total',
        'Token or credit budget violations',
        count('cost') + count('tokens')
      ],
      ['neurorail_enforcement_grace_periods_total', 'Timeouts enforced after a grace period', grace]
    ]
    for (const [name, help, n] of simple) p.family(name, 'counter', help).sample(name, n)
    p.family(
      'neurorail_reflex_actions_total',
      'counter',
      'Reflex actions, by who ran them and what they did'
    )
    const actions = store
      .prepare<unknown[], { k: string; a: string; n: number }>(
        `SELECT CASE WHEN actor = 'reflex' THEN 'trigger' ELSE 'operator' END AS k, action_type AS a, COUNT(*) AS n FROM gov_reflex_actions GROUP BY k, a`
      )
      .all()
    for (const r of actions)
      p.sample('neurorail_reflex_actions_total', r.n, { reflex_type: r.k, action: r.a })
    p.family(
      'controldeck_circuit_state',
      'gauge',
      'Circuit breaker state (0 closed, 1 half-open, 2 open)'
    )
    for (const c of reflex.listCircuits())
      p.sample('controldeck_circuit_state', CIRCUIT_STATE_VALUE[c.state], {
        circuit_id: c.circuit_id
      })
  }
}

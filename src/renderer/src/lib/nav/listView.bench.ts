// bench:ui's list sort (not part of the app): 100,000 missions sorted by cost through the list's
// own filterRows + sortRows, as EntityLists runs them on a click of the "Cost" header. bench/ui.bench.ts
// bundles this file with esbuild into its Chromium page, so the figure is the renderer's.
import type { ListedEntity } from '../../../../shared/console/domains/data'
import { emptyRollup } from '../../../../shared/neurorail/rollup'
import { filterRows, sortRows, type SortDir } from './listView'

/** `n` mission rows as listMissions returns them, newest first, costs spread and 1 in 20 unknown. */
export function missions(n: number): ListedEntity[] {
  let seed = 42
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
  const base = Date.UTC(2026, 0, 1)
  const rows: ListedEntity[] = []
  for (let i = 0; i < n; i++) {
    const id = `m_${(n - i).toString(16).padStart(12, '0')}`
    const created = new Date(base + (n - i) * 1000).toISOString()
    const cost = Math.round(random() * 100_000) / 10_000
    rows.push({
      entityType: 'mission',
      entityId: id,
      state: i % 7 === 0 ? 'failed' : 'completed',
      record: {
        mission_id: id,
        parent_mission_id: null,
        tags: { team: i % 3 === 0 ? 'ops' : 'research' },
        created_at: created
      },
      rollup:
        i % 20 === 0
          ? null
          : {
              ...emptyRollup(),
              jobs: 3,
              attempts: 4,
              tokens: Math.round(cost * 20_000),
              cost,
              startedAt: created
            }
    } as ListedEntity)
  }
  return rows
}

/** Times the list's sort by cost: the first run (cold) and the median of `runs` alternating runs. */
export function measureSort(
  n: number,
  runs: number
): { first: number; median: number; ok: boolean } {
  const rows = missions(n)
  const times: number[] = []
  let ok = true
  for (let r = 0; r <= runs; r++) {
    const dir: SortDir = r % 2 === 0 ? 'desc' : 'asc'
    const t0 = performance.now()
    const sorted = sortRows(filterRows(rows, ''), 'cost', dir)
    times.push(performance.now() - t0)
    // Cheap sanity: the right length, and the first two rows in order.
    const a = sorted[0]?.rollup?.cost ?? 0
    const b = sorted[1]?.rollup?.cost ?? 0
    ok = ok && sorted.length === n && (dir === 'desc' ? a >= b : a <= b)
  }
  const rest = times.slice(1).sort((x, y) => x - y)
  return { first: times[0] ?? NaN, median: rest[Math.floor(rest.length / 2)] ?? NaN, ok }
}

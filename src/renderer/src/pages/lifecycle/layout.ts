import type { StateMachine } from '../../../../shared/neurorail/state-machines'

/** Position of a state box in the diagram grid. */
export interface StatePos {
  state: string
  col: number
  row: number
}

/**
 * Lays a state machine out left to right: column = shortest distance from the initial state,
 * row = order of discovery within the column. Deterministic, so the diagram never jumps.
 */
export function layoutMachine<S extends string>(machine: StateMachine<S>): StatePos[] {
  const depth = new Map<S, number>([[machine.initial, 0]])
  const order: S[] = [machine.initial]
  // A breadth-first walk: the list grows while it is read.
  for (const s of order) {
    const sDepth = depth.get(s) ?? 0
    for (const next of machine.transitions[s] ?? []) {
      if (!depth.has(next)) {
        depth.set(next, sDepth + 1)
        order.push(next)
      }
    }
  }
  for (const s of machine.states) {
    if (depth.has(s)) continue
    depth.set(s, 0)
    order.push(s)
  }
  const rows = new Map<number, number>()
  return order.map((state) => {
    const col = depth.get(state)!
    const row = rows.get(col) ?? 0
    rows.set(col, row + 1)
    return { state, col, row }
  })
}

import { stateLabel, toneOf } from '../lib/format/tone'

/** A state, severity or status as a coloured pill that also says it in words. */
export function StateBadge({ state, label }: { state: string | null | undefined; label?: string }) {
  return (
    <span className={`badge tone-${toneOf(state)}`} data-state={state ?? ''}>
      {label ?? stateLabel(state)}
    </span>
  )
}

import { memo } from 'react'
import { Mono } from './Mono'
import { Card } from './Card'
import { DataTable, type Column } from './DataTable'
import { TraceLink } from './TraceLink'
import { formatTime } from '../lib/format/format'
import { useHeldWhileFocused } from '../lib/hooks/useHeldWhileFocused'
import type { LiveEvent } from '../lib/live/types'
import { useStore } from '../store'

const SHOWN = 15
const ID_KEYS = ['attempt_id', 'job_id', 'mission_id', 'entity_id'] as const

function entityOf(e: LiveEvent): string | null {
  for (const k of ID_KEYS) {
    const v = e.data[k]
    if (typeof v === 'string' && /^[mpjar]_[0-9a-f]{12}$/.test(v)) return v
  }
  return null
}

const COLUMNS: readonly Column<LiveEvent>[] = [
  {
    id: 'at',
    header: 'When',
    width: 90,
    cell: (e) => <span className="muted">{formatTime(e.timestamp * 1000)}</span>
  },
  { id: 'channel', header: 'Channel', width: 90, cell: (e) => e.channel },
  { id: 'type', header: 'Event', width: 200, cell: (e) => <Mono>{e.event_type}</Mono> },
  {
    id: 'entity',
    header: 'Entity',
    width: 130,
    cell: (e) => (
      <TraceLink id={entityOf(e)} fallback="" data-event-key={`${e.epoch ?? ''}:${e.id}`} />
    )
  }
]

/**
 * The newest stream events as they arrive (frozen while live updates are paused). While focus is
 * inside the tail it holds still: new events would push the focused row out and unmount it,
 * dropping keyboard focus to the page; it catches up when focus leaves.
 */
export const LiveTail = memo(function LiveTail() {
  // Follows every flush (at most one a frame), so an event is on screen in the frame it arrived.
  const events = useStore((s) => s.recentEvents)
  const paused = useStore((s) => s.paused)
  const { shown: kept, held, onFocus, onBlur } = useHeldWhileFocused(events)
  const shown = kept.slice(-SHOWN).reverse()
  return (
    <Card
      label="Live event tail"
      title={`Live events${paused ? ' (paused)' : held ? ' (held while focused)' : ''}`}
      testId="live-tail"
      data-held={held}
      onFocus={onFocus}
      onBlur={onBlur}
    >
      <DataTable<LiveEvent>
        label="Newest stream events"
        rows={shown}
        rowKey={(e) => `${e.epoch ?? ''}:${e.id}`}
        columns={COLUMNS}
        height="50vh"
        empty={
          <>
            Nothing has arrived since the console connected. Lifecycle, audit, reflex and
            enforcement events stream in here.
          </>
        }
      />
    </Card>
  )
})

import type { StateCreator } from 'zustand'
import { emptyBudget, reduceBudget } from '../../lib/live/budget'
import { appendTransitions, applyTransitions, transitionsOf } from '../../lib/live/lifecycle'
import { addToRate, emptyRate, type RateWindow } from '../../lib/live/rate'
import { emptyReflex, reduceReflex } from '../../lib/live/reflex'
import { keepLast, type LiveEvent } from '../../lib/live/types'
import type { StoreState } from '../types'

/** How many recent raw events the store keeps for live tails. */
export const RECENT_EVENTS_MAX = 1000

/** How many recent anomaly signals the store keeps for the overview. */
export const RECENT_SIGNALS_MAX = 50

/** The live event stream: recent events, rate, pause state. Fed by lib/liveFeed once per frame. */
export interface LiveSlice {
  recentEvents: LiveEvent[]
  /** Recent `anomaly_signal` events (signals channel), newest last. */
  signalEvents: LiveEvent[]
  totalEvents: number
  rate: RateWindow
  lastEventAt: number | null
  /** Live tails frozen by the operator; events keep buffering outside React. */
  paused: boolean
  /**
   * Folds one frame's batch into every live slice with a single `set` (one render per frame).
   * This is the only writer of recentEvents, reflex, budget and transitions.
   */
  ingest: (events: LiveEvent[], nowMs?: number) => void
  setPaused: (paused: boolean) => void
  /** Forgets live state (environment switched). */
  resetLive: () => void
}

export const createLiveSlice: StateCreator<StoreState, [], [], LiveSlice> = (set, get) => ({
  recentEvents: [],
  signalEvents: [],
  totalEvents: 0,
  rate: emptyRate(Date.now()),
  lastEventAt: null,
  paused: false,
  ingest: (events, nowMs = Date.now()) => {
    if (events.length === 0) return
    const s = get()
    const transitions = transitionsOf(events)
    const signals = events.filter((e) => e.event_type === 'anomaly_signal' && e.channel !== 'audit')
    set({
      recentEvents: keepLast(s.recentEvents, events, RECENT_EVENTS_MAX),
      signalEvents: signals.length
        ? keepLast(s.signalEvents, signals, RECENT_SIGNALS_MAX)
        : s.signalEvents,
      totalEvents: s.totalEvents + events.length,
      rate: addToRate(s.rate, events.length, nowMs),
      lastEventAt: nowMs,
      reflex: reduceReflex(s.reflex, events),
      budget: reduceBudget(s.budget, events),
      transitions: appendTransitions(s.transitions, transitions),
      lifecycleCounts: s.lifecycleCounts ? applyTransitions(s.lifecycleCounts, transitions) : null
    })
  },
  setPaused: (paused) => set({ paused }),
  resetLive: () =>
    set({
      recentEvents: [],
      signalEvents: [],
      totalEvents: 0,
      rate: emptyRate(Date.now()),
      lastEventAt: null,
      reflex: emptyReflex(),
      budget: emptyBudget(),
      transitions: [],
      lifecycleCounts: null
    })
})

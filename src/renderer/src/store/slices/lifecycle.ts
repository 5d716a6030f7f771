import type { StateCreator } from 'zustand'
import type { StateCounts, TransitionView } from '../../lib/live/lifecycle'
import type { StoreState } from '../types'

/** Live lifecycle: recent transitions and state counts (loaded once, then moved by the stream). */
export interface LifecycleSlice {
  transitions: TransitionView[]
  /** null until getLifecycleStats answered; live transitions then adjust it. */
  lifecycleCounts: StateCounts | null
  setLifecycleCounts: (counts: StateCounts) => void
}

export const createLifecycleSlice: StateCreator<StoreState, [], [], LifecycleSlice> = (set) => ({
  transitions: [],
  lifecycleCounts: null,
  setLifecycleCounts: (lifecycleCounts) => set({ lifecycleCounts })
})

import { create } from 'zustand'
import { createBudgetSlice } from './slices/budget'
import { createConnectionSlice } from './slices/connection'
import { createEnvironmentsSlice } from './slices/environments'
import { createLifecycleSlice } from './slices/lifecycle'
import { createLiveSlice } from './slices/live'
import { createReflexSlice } from './slices/reflex'
import { createRunsSlice } from './slices/runs'
import { createUiSlice } from './slices/ui'
import type { StoreState } from './types'

export type { StoreState } from './types'

/**
 * The one bound store (zustand's slices guide): every domain slice spread into a single `create`.
 * Components select narrowly (`useStore((s) => s.connection)`); never the whole state.
 */
export const useStore = create<StoreState>()((...a) => ({
  ...createConnectionSlice(...a),
  ...createEnvironmentsSlice(...a),
  ...createLiveSlice(...a),
  ...createReflexSlice(...a),
  ...createBudgetSlice(...a),
  ...createLifecycleSlice(...a),
  ...createRunsSlice(...a),
  ...createUiSlice(...a)
}))

import type { BudgetSlice } from './slices/budget'
import type { ConnectionSlice } from './slices/connection'
import type { EnvironmentsSlice } from './slices/environments'
import type { LifecycleSlice } from './slices/lifecycle'
import type { LiveSlice } from './slices/live'
import type { ReflexSlice } from './slices/reflex'
import type { RunsSlice } from './slices/runs'
import type { UiSlice } from './slices/ui'

/** The whole renderer store: the union of every slice (zustand slices pattern). */
export type StoreState = ConnectionSlice &
  EnvironmentsSlice &
  LiveSlice &
  ReflexSlice &
  BudgetSlice &
  LifecycleSlice &
  RunsSlice &
  UiSlice

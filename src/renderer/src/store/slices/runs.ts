import type { StateCreator } from 'zustand'
import type { DemoInfo, LocalRunView } from '../../../../shared/console/domains/runs'
import type { StoreState } from '../types'

/** Local agent runs of this console, kept current by onRunsChanged (see lib/boot). */
export interface RunsSlice {
  /** null until listLocalRuns answered or onRunsChanged arrived. */
  localRuns: LocalRunView[] | null
  /** The bundled demos (from listLocalRuns). */
  demos: DemoInfo[]
  /** Whether this launch has an embedded engine to run agents against; null until known. */
  runsEngineAvailable: boolean | null
  setLocalRuns: (runs: LocalRunView[]) => void
  setRunsInfo: (info: { runs: LocalRunView[]; demos: DemoInfo[]; engineAvailable: boolean }) => void
}

export const createRunsSlice: StateCreator<StoreState, [], [], RunsSlice> = (set) => ({
  localRuns: null,
  demos: [],
  runsEngineAvailable: null,
  setLocalRuns: (localRuns) => set({ localRuns }),
  setRunsInfo: ({ runs, demos, engineAvailable }) =>
    set({ localRuns: runs, demos, runsEngineAvailable: engineAvailable })
})

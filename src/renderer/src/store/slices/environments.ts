import type { StateCreator } from 'zustand'
import type { EnvironmentView } from '../../../../shared/console/domains/environments'
import type { StoreState } from '../types'

/** Environment profiles as the main side lists them (never secrets). */
export interface EnvironmentsSlice {
  environments: EnvironmentView[]
  activeEnvironmentId: string | null
  environmentWarnings: string[]
  setEnvironments: (environments: EnvironmentView[], activeId: string, warnings?: string[]) => void
}

export const createEnvironmentsSlice: StateCreator<StoreState, [], [], EnvironmentsSlice> = (
  set,
  get
) => ({
  environments: [],
  activeEnvironmentId: null,
  environmentWarnings: [],
  setEnvironments: (environments, activeEnvironmentId, warnings) =>
    set({
      environments,
      activeEnvironmentId,
      environmentWarnings: warnings ?? get().environmentWarnings
    })
})

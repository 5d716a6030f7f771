import type { StateCreator } from 'zustand'
import type { AppInfo } from '../../../../shared/console/domains/app'
import type { ConnectionState } from '../../../../shared/console/domains/environments'
import type { StoreState } from '../types'

/** Connection of the active environment and facts about the console itself. */
export interface ConnectionSlice {
  connection: ConnectionState | null
  appInfo: AppInfo | null
  /** A sentence shown when the console could not even start talking to its main side. */
  bootError: string | null
  setConnection: (connection: ConnectionState) => void
  setAppInfo: (info: AppInfo) => void
  setBootError: (message: string | null) => void
}

export const createConnectionSlice: StateCreator<StoreState, [], [], ConnectionSlice> = (set) => ({
  connection: null,
  appInfo: null,
  bootError: null,
  setConnection: (connection) => set({ connection }),
  setAppInfo: (appInfo) => set({ appInfo }),
  setBootError: (bootError) => set({ bootError })
})

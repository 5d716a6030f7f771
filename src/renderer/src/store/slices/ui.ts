import type { StateCreator } from 'zustand'
import type { StoreState } from '../types'

export type ThemePref = 'system' | 'light' | 'dark'

const THEME_KEY = 'controldeck.theme'

function readThemePref(): ThemePref {
  try {
    const v = globalThis.localStorage?.getItem(THEME_KEY)
    return v === 'light' || v === 'dark' ? v : 'system'
  } catch {
    return 'system'
  }
}

/** Presentation state: theme override and the command palette. */
export interface UiSlice {
  themePref: ThemePref
  paletteOpen: boolean
  setThemePref: (pref: ThemePref) => void
  setPaletteOpen: (open: boolean) => void
}

export const createUiSlice: StateCreator<StoreState, [], [], UiSlice> = (set) => ({
  themePref: readThemePref(),
  paletteOpen: false,
  setThemePref: (themePref) => {
    try {
      if (themePref === 'system') globalThis.localStorage?.removeItem(THEME_KEY)
      else globalThis.localStorage?.setItem(THEME_KEY, themePref)
    } catch {
      // Storage may be unavailable (private mode); the choice then lasts for this session.
    }
    set({ themePref })
  },
  setPaletteOpen: (paletteOpen) => set({ paletteOpen })
})

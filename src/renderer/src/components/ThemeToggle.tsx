import { useEffect } from 'react'
import { useStore } from '../store'
import type { ThemePref } from '../store/slices/ui'

const NEXT: Record<ThemePref, ThemePref> = { system: 'light', light: 'dark', dark: 'system' }

/** Cycles system → light → dark; applies the choice as html[data-theme] (absent = follow the OS). */
export function ThemeToggle() {
  const pref = useStore((s) => s.themePref)
  const setPref = useStore((s) => s.setThemePref)
  useEffect(() => {
    const root = document.documentElement
    if (pref === 'system') delete root.dataset.theme
    else root.dataset.theme = pref
  }, [pref])
  return (
    <button
      type="button"
      data-testid="theme-toggle"
      aria-label={`Theme: ${pref === 'system' ? 'follow the system' : pref}. Switch to ${NEXT[pref] === 'system' ? 'follow the system' : NEXT[pref]}.`}
      onClick={() => setPref(NEXT[pref])}
    >
      Theme: {pref}
    </button>
  )
}

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
      // Starts with the visible text (WCAG 2.5.3 label in name), then says what a press does.
      aria-label={`Theme: ${pref}. Switch to ${NEXT[pref] === 'system' ? 'follow the system' : NEXT[pref]}.`}
      onClick={() => setPref(NEXT[pref])}
    >
      Theme: {pref}
    </button>
  )
}

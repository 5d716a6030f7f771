import { useStore } from '../store'
import { ConnectionBadge } from './ConnectionBadge'
import { EnvironmentSwitcher } from './EnvironmentSwitcher'
import { LiveToggle } from './LiveToggle'
import { ThemeToggle } from './ThemeToggle'

/** Top bar: brand, environment switcher, connection badge, live and theme toggles, palette. */
export function TitleBar() {
  const setPaletteOpen = useStore((s) => s.setPaletteOpen)
  return (
    <header className="titlebar">
      <span className="brand">ControlDeck</span>
      <EnvironmentSwitcher />
      <ConnectionBadge />
      <span className="spacer" />
      <LiveToggle />
      <button type="button" aria-label="Open the command palette (Ctrl+K)" onClick={() => setPaletteOpen(true)}>
        ⌘K
      </button>
      <ThemeToggle />
    </header>
  )
}

import { paletteShortcut } from '../lib/app/platform'
import { useStore } from '../store'
import { ConnectionBadge } from './ConnectionBadge'
import { EnvironmentSwitcher } from './EnvironmentSwitcher'
import { LiveToggle } from './LiveToggle'
import { NotificationToggle } from './NotificationToggle'
import { ThemeToggle } from './ThemeToggle'

/** Top bar: brand, environment switcher, connection badge, live and theme toggles, palette. */
export function TitleBar() {
  const setPaletteOpen = useStore((s) => s.setPaletteOpen)
  const shortcut = paletteShortcut()
  return (
    <header className="titlebar">
      <span className="brand">ControlDeck</span>
      <EnvironmentSwitcher />
      <ConnectionBadge />
      <span className="spacer" />
      <LiveToggle />
      <NotificationToggle />
      <button
        type="button"
        // The name ends with the visible shortcut (WCAG 2.5.3 label in name; not in parentheses, which
        // speech input ignores).
        aria-label={`Open the command palette, ${shortcut}`}
        title={`Command palette: jump to a page or an id (${shortcut})`}
        onClick={() => setPaletteOpen(true)}
        data-testid="palette-button"
      >
        {shortcut}
      </button>
      <ThemeToggle />
    </header>
  )
}

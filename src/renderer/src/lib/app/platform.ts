/**
 * Whether the person uses a Mac (so shortcuts read ⌘K rather than Ctrl+K). Asks the browser, not
 * the main side: in browser mode the page may run on another machine than the console.
 */
export function isMacPlatform(
  nav:
    | { platform?: string; userAgent?: string; userAgentData?: { platform?: string } }
    | undefined = globalThis.navigator
): boolean {
  if (!nav) return false
  const platform = nav.userAgentData?.platform || nav.platform || nav.userAgent || ''
  return /mac|iphone|ipad|ipod/i.test(platform)
}

/** The palette shortcut as this platform writes it. */
export function paletteShortcut(mac = isMacPlatform()): string {
  return mac ? '⌘K' : 'Ctrl+K'
}

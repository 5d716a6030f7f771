import { useEffect, type KeyboardEvent, type RefObject } from 'react'

/** What can take focus inside a dialog (disabled controls and tabindex=-1 are skipped). */
const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

/**
 * Where Tab should go from `active` so that focus stays among `focusables` (in tab order): the
 * first after the last, the last before the first (Shift+Tab), and the first (or last) when focus
 * is somewhere else. Null when the browser's own move stays inside.
 */
export function wrapFocusTarget<T>(
  focusables: readonly T[],
  active: T | null,
  backwards: boolean
): T | null {
  const first = focusables[0]
  const last = focusables.at(-1)
  if (first === undefined || last === undefined) return null
  const index = active === null ? -1 : focusables.indexOf(active)
  if (index === -1) return backwards ? last : first
  if (backwards && index === 0) return last
  if (!backwards && index === focusables.length - 1) return first
  return null
}

/**
 * Modal focus for a dialog: focuses `initial` when it opens, keeps Tab and Shift+Tab inside the
 * dialog (aria-modal promises that the page behind is inert), and gives focus back to whatever had
 * it before, once the dialog closes, so a keyboard user carries on where they were. Returns the
 * dialog's keydown handler for the Tab part.
 */
export function useModalFocus(
  dialog: RefObject<HTMLElement | null>,
  initial: RefObject<HTMLElement | null>
): (event: KeyboardEvent) => void {
  useEffect(() => {
    const opener = document.activeElement
    initial.current?.focus()
    return () => {
      // The opener may be gone (a row that the confirmed action removed); focus then stays put.
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus()
    }
  }, [initial])

  return (event: KeyboardEvent) => {
    if (event.key !== 'Tab' || !dialog.current) return
    const focusables = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)]
    const active = document.activeElement instanceof HTMLElement ? document.activeElement : null
    const target = wrapFocusTarget(focusables, active, event.shiftKey)
    if (target) {
      event.preventDefault()
      target.focus()
    }
  }
}

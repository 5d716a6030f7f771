import { useState, type FocusEvent } from 'react'

/** What {@link useHeldWhileFocused} returns: the value to render and the container's focus handlers. */
export interface HeldWhileFocused<T> {
  /** `live`, or the value it had when focus entered the container. */
  shown: T
  /** Whether the container is holding (focus is inside it). */
  held: boolean
  onFocus: () => void
  onBlur: (e: FocusEvent<HTMLElement>) => void
}

/**
 * Holds a live list still while keyboard or pointer focus is inside its container. New items would
 * push the focused row out of a bounded list and unmount it, dropping focus to the page; held, the
 * operator's place stays put, and the list catches up when focus leaves the container.
 */
export function useHeldWhileFocused<T>(live: T): HeldWhileFocused<T> {
  const [held, setHeld] = useState<{ value: T } | null>(null)
  return {
    shown: held ? held.value : live,
    held: held !== null,
    // A fresh closure each render: it holds the value on screen when focus enters.
    onFocus: () => setHeld((h) => h ?? { value: live }),
    onBlur: (e) => {
      if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setHeld(null)
    }
  }
}

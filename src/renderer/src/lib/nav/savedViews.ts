/**
 * Named views of the Traces lists, kept in the renderer's localStorage: a view is a UI preference
 * of this machine (like the theme), holds no secret and no backend data, and needs no round trip
 * through the console services. A view is its hash route, so opening one is navigating to it.
 */
export interface SavedView {
  name: string
  hash: string
}

export const SAVED_VIEWS_KEY = 'controldeck.listViews'
export const MAX_VIEWS = 50
export const MAX_VIEW_NAME = 80
const MAX_HASH = 2048

/** The slice of Storage the views use (window.localStorage in the app). */
export type ViewStorage = Pick<Storage, 'getItem' | 'setItem'>

function valid(v: unknown): v is SavedView {
  const o = v as SavedView
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.name === 'string' &&
    o.name.length > 0 &&
    o.name.length <= MAX_VIEW_NAME &&
    typeof o.hash === 'string' &&
    o.hash.startsWith('#/traces') &&
    o.hash.length <= MAX_HASH
  )
}

/** The saved views, by name; an unreadable or tampered entry is skipped, never thrown. */
export function loadViews(storage: ViewStorage | undefined = globalThis.localStorage): SavedView[] {
  try {
    const parsed = JSON.parse(storage?.getItem(SAVED_VIEWS_KEY) ?? '[]') as unknown
    return Array.isArray(parsed) ? parsed.filter(valid).slice(0, MAX_VIEWS) : []
  } catch {
    return []
  }
}

/**
 * Saves (or replaces, by name) a view. Returns the new list, or a sentence saying why not.
 */
export function saveView(
  name: string,
  hash: string,
  storage: ViewStorage | undefined = globalThis.localStorage
): SavedView[] | string {
  const view = { name: name.trim(), hash }
  if (!view.name) return 'Give the view a name.'
  if (view.name.length > MAX_VIEW_NAME) return `A view name is at most ${MAX_VIEW_NAME} characters.`
  if (!valid(view)) return 'Only views of the Traces lists can be saved.'
  const rest = loadViews(storage).filter((v) => v.name !== view.name)
  if (rest.length >= MAX_VIEWS) return `At most ${MAX_VIEWS} views can be saved; delete one first.`
  const next = [...rest, view].sort((a, b) => a.name.localeCompare(b.name))
  try {
    storage?.setItem(SAVED_VIEWS_KEY, JSON.stringify(next))
  } catch {
    // Storage full or disabled (a private window, a policy): the form says so instead of failing.
    return 'The view could not be saved: this window cannot store anything right now.'
  }
  return next
}

/** Deletes a view by name; returns the new list. */
export function deleteView(
  name: string,
  storage: ViewStorage | undefined = globalThis.localStorage
): SavedView[] {
  const next = loadViews(storage).filter((v) => v.name !== name)
  storage?.setItem(SAVED_VIEWS_KEY, JSON.stringify(next))
  return next
}

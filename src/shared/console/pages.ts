/**
 * The console's pages, in sidebar order, with the label menus and the sidebar show. The renderer
 * routes on the ids (`#/audit`); the desktop menu's Go entries and deep links name them too.
 */
export const CONSOLE_PAGES = [
  { id: 'overview', label: 'Overview' },
  { id: 'traces', label: 'Traces' },
  { id: 'runs', label: 'Runs' },
  { id: 'reflex', label: 'Reflex' },
  { id: 'budget', label: 'Budget' },
  { id: 'lifecycle', label: 'Lifecycle' },
  { id: 'audit', label: 'Audit' },
  { id: 'governor', label: 'Governor' },
  { id: 'environments', label: 'Environments' }
] as const

export type ConsolePageId = (typeof CONSOLE_PAGES)[number]['id']

/** True for the id of one of {@link CONSOLE_PAGES}. */
export function isConsolePageId(value: unknown): value is ConsolePageId {
  return CONSOLE_PAGES.some((page) => page.id === value)
}

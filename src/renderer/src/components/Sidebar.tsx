import type { KeyboardEvent } from 'react'
import { PAGE_INFO } from '../lib/nav/pages'
import { isMacPlatform } from '../lib/app/platform'
import { hrefFor, PAGES, type PageId } from '../lib/nav/router'

/** Page navigation. Links are tabbable; Up/Down/Home/End move between them. */
export function Sidebar({ current }: { current: PageId }) {
  function onKeyDown(e: KeyboardEvent<HTMLElement>) {
    const links = Array.from(e.currentTarget.querySelectorAll<HTMLAnchorElement>('a'))
    const i = links.indexOf(document.activeElement as HTMLAnchorElement)
    let next = -1
    if (e.key === 'ArrowDown') next = (i + 1) % links.length
    else if (e.key === 'ArrowUp') next = (i - 1 + links.length) % links.length
    else if (e.key === 'Home') next = 0
    else if (e.key === 'End') next = links.length - 1
    if (next >= 0) {
      e.preventDefault()
      links[next]?.focus()
    }
  }
  return (
    <nav className="sidebar" aria-label="Pages" onKeyDown={onKeyDown}>
      <ul>
        {PAGES.map((page) => (
          <li key={page}>
            <a
              href={hrefFor(page)}
              aria-current={page === current ? 'page' : undefined}
              title={PAGE_INFO[page].purpose}
              data-testid={`nav-${page}`}
            >
              {PAGE_INFO[page].label}
            </a>
          </li>
        ))}
      </ul>
      <p className="hint">
        {isMacPlatform() ? (
          <kbd>⌘K</kbd>
        ) : (
          <>
            <kbd>Ctrl</kbd>+<kbd>K</kbd>
          </>
        )}{' '}
        jumps to a page or an id.
      </p>
    </nav>
  )
}

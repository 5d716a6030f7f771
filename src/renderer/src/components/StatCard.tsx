import type { ReactNode } from 'react'
import { formatCount } from '../lib/format/format'

/**
 * A number with a caption; when `href` is given the number links to its dashboard. A named group,
 * not a region landmark: a page's figures are not places to navigate to, and a card titled like the
 * section that details it ("Reflex actions") would give the page two landmarks of one name.
 */
export function StatCard({
  title,
  value,
  href,
  sub,
  testId,
  children
}: {
  title: string
  value: number | string | null | undefined
  href?: string
  sub?: ReactNode
  testId?: string
  children?: ReactNode
}) {
  const text = typeof value === 'number' ? formatCount(value) : (value ?? '–')
  return (
    <div className="card stat" role="group" aria-label={title} data-testid={testId}>
      <h2>{title}</h2>
      {href ? (
        <a className="value" href={href} data-testid={testId ? `${testId}-value` : undefined}>
          {text}
        </a>
      ) : (
        <span className="value" data-testid={testId ? `${testId}-value` : undefined}>
          {text}
        </span>
      )}
      {sub && <div className="sub">{sub}</div>}
      {children}
    </div>
  )
}

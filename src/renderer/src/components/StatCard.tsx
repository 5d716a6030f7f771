import type { ReactNode } from 'react'
import { formatCount } from '../lib/format'

/** A number with a caption; when `href` is given the number links to its dashboard. */
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
    <section className="card stat" aria-label={title} data-testid={testId}>
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
    </section>
  )
}

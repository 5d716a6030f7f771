import type { HTMLAttributes, ReactNode } from 'react'

/**
 * A card section: a region named by `label`, headed by `title` (the label unless the heading says
 * more, e.g. a count or a link).
 */
export function Card({
  label,
  title = label,
  testId,
  className,
  children,
  ...section
}: Omit<HTMLAttributes<HTMLElement>, 'title'> & {
  label: string
  title?: ReactNode
  testId?: string
}) {
  return (
    <section
      className={className ? `card ${className}` : 'card'}
      aria-label={label}
      data-testid={testId}
      {...section}
    >
      <h2>{title}</h2>
      {children}
    </section>
  )
}

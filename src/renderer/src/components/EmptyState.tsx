import type { ReactNode } from 'react'

/** What a page or panel shows when there is nothing yet, saying what will appear there. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <section className="empty" role="status" aria-label={title}>
      <h2>{title}</h2>
      {children && <p>{children}</p>}
    </section>
  )
}

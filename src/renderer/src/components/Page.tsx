import type { ReactNode } from 'react'

/**
 * A page of the console: its landmark, named by its one h1, with `head` beside the title (counts,
 * badges, page actions).
 */
export function Page({
  title,
  head,
  children
}: {
  title: string
  head?: ReactNode
  children: ReactNode
}) {
  return (
    <main className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">{title}</h1>
        {head}
      </div>
      {children}
    </main>
  )
}

import type { AnchorHTMLAttributes, ReactNode } from 'react'
import { traceHref } from '../lib/nav/router'

/**
 * An entity id as a link to its trace (in the monospace of ids unless `mono` is false); `fallback`
 * (a dash) where there is no id.
 */
export function TraceLink({
  id,
  fallback = '–',
  mono = true,
  className,
  ...anchor
}: Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'id'> & {
  id: string | null | undefined
  fallback?: ReactNode
  mono?: boolean
}) {
  if (!id) return <>{fallback}</>
  const classes = [mono ? 'mono' : '', className ?? ''].filter(Boolean).join(' ')
  return (
    <a className={classes || undefined} href={traceHref(id)} {...anchor}>
      {id}
    </a>
  )
}

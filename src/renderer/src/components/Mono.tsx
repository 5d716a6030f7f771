import type { ReactNode } from 'react'

/** An identifier or machine value (an id, event type, code, URL) in the monospace face. */
export function Mono({ children }: { children: ReactNode }) {
  return <span className="mono">{children}</span>
}

/**
 * A value followed, when there is one, by a muted remark that begins with its own separator
 * ("12 / 100", "llm_call · openai", "refused — timeout").
 */
export function Noted({
  children,
  note
}: {
  children: ReactNode
  /** The remark; nothing is added when it is empty, false or missing. */
  note: string | false | null | undefined
}) {
  return (
    <span>
      {children}
      {note ? <span className="muted"> {note}</span> : null}
    </span>
  )
}

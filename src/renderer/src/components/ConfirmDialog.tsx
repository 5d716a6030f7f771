import { useRef } from 'react'
import { createPortal } from 'react-dom'
import { useModalFocus } from '../lib/modalFocus'
import { FormError } from './Notices'

/** Asks before an operator action; Escape or Cancel declines. */
export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onCancel
}: {
  title: string
  body: string
  confirmLabel: string
  busy?: boolean
  error?: string | null
  onConfirm: () => void
  onCancel: () => void
}) {
  const cancelRef = useRef<HTMLButtonElement>(null)
  const dialogRef = useRef<HTMLDivElement>(null)
  const trapTab = useModalFocus(dialogRef, cancelRef)
  // A portal, so the dialog is not styled or clipped by the card that opened it.
  return createPortal(
    <div className="backdrop" onMouseDown={onCancel}>
      <div
        ref={dialogRef}
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-label={title}
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel()
          else trapTab(e)
        }}
      >
        <h2>{title}</h2>
        <p>{body}</p>
        <FormError error={error} />
        <div className="actions">
          <button type="button" ref={cancelRef} onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>,
    document.body
  )
}

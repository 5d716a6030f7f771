import { useRef } from 'react'
import { Modal } from './Modal'
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
  return (
    <Modal role="alertdialog" label={title} initialFocus={cancelRef} onClose={onCancel}>
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
    </Modal>
  )
}

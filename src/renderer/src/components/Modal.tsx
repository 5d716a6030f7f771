import { useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react'
import { createPortal } from 'react-dom'
import { useModalFocus } from '../lib/hooks/modalFocus'

export interface ModalProps {
  /** `alertdialog` for confirmations, `dialog` otherwise. */
  role?: 'dialog' | 'alertdialog'
  label?: string
  labelledBy?: string
  /** Classes besides `dialog`. */
  className?: string
  testId?: string
  /** What takes focus when the dialog opens. */
  initialFocus: RefObject<HTMLElement | null>
  onClose: () => void
  /** The dialog's own keys (arrows, Enter); Escape closes and Tab stays inside before it. */
  onKeyDown?: (e: KeyboardEvent<HTMLDivElement>) => void
  /** Into document.body (default), so the card that opened it neither styles nor clips it. */
  portal?: boolean
  children: ReactNode
}

/**
 * The console's one modal shell: backdrop (a click on it closes), aria-modal dialog, focus moved
 * in on open and given back on close, Tab kept inside, Escape to close.
 */
export function Modal(props: ModalProps) {
  const { onClose, onKeyDown } = props
  const dialogRef = useRef<HTMLDivElement>(null)
  const trapTab = useModalFocus(dialogRef, props.initialFocus)
  const shell = (
    <div className="backdrop" onMouseDown={onClose}>
      <div
        ref={dialogRef}
        className={props.className ? `dialog ${props.className}` : 'dialog'}
        role={props.role ?? 'dialog'}
        aria-modal="true"
        aria-label={props.label}
        aria-labelledby={props.labelledBy}
        data-testid={props.testId}
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') return onClose()
          onKeyDown?.(e)
          if (!e.defaultPrevented) trapTab(e)
        }}
      >
        {props.children}
      </div>
    </div>
  )
  return props.portal === false ? shell : createPortal(shell, document.body)
}

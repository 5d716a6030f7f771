import { useState } from 'react'
import type { WriteGate } from '../lib/app/permissions'
import { useBusyAction } from '../lib/hooks/useBusyAction'
import { ConfirmDialog } from './ConfirmDialog'

/**
 * A write action behind a confirmation. Disabled (with the reason as its tooltip and text for
 * screen readers) when the gate refuses it.
 */
export function ActionButton({
  label,
  confirmTitle,
  confirmBody,
  gate,
  run,
  onDone,
  danger,
  testId
}: {
  label: string
  confirmTitle: string
  confirmBody: string
  gate: WriteGate
  run: () => Promise<unknown>
  onDone?: () => void
  danger?: boolean
  testId?: string
}) {
  const [open, setOpen] = useState(false)
  const action = useBusyAction()
  async function confirm() {
    if (!(await action.run(run))) return
    setOpen(false)
    onDone?.()
  }
  return (
    <>
      <button
        type="button"
        className={danger ? 'danger' : undefined}
        disabled={!gate.allowed}
        title={gate.reason ?? undefined}
        aria-description={gate.reason ?? undefined}
        onClick={() => setOpen(true)}
        data-testid={testId}
      >
        {label}
      </button>
      {open && (
        <ConfirmDialog
          title={confirmTitle}
          body={confirmBody}
          confirmLabel={label}
          busy={action.busy}
          error={action.error}
          onConfirm={() => void confirm()}
          onCancel={() => setOpen(false)}
        />
      )}
    </>
  )
}

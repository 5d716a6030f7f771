import { useId, useState } from 'react'
import type { IncidentBundle } from '../../../shared/console/bundle/schema'
import { errorMessage } from '../lib/transport/api'
import { hasFileDialogs, openBundleWithDialog, readBundleFile } from '../lib/actions/bundleFiles'
import { FormError } from './Notices'

/**
 * Picks an incident bundle file: the desktop app's open dialog, or a file input in a browser.
 * The file is size-, depth- and schema-checked before `onBundle` sees it.
 */
export function BundleFileInput({
  label,
  onBundle
}: {
  label: string
  onBundle: (bundle: IncidentBundle) => void
}) {
  const id = useId()
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const take = (read: Promise<IncidentBundle | null>) => {
    setBusy(true)
    setError(null)
    read
      .then((bundle) => {
        if (bundle) onBundle(bundle)
      })
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false))
  }
  return (
    <div className="bundle-file">
      {hasFileDialogs() ? (
        <button
          type="button"
          disabled={busy}
          onClick={() => take(openBundleWithDialog())}
          data-testid="bundle-open"
        >
          {label}
        </button>
      ) : (
        <>
          <label htmlFor={id}>{label}</label>
          <input
            id={id}
            type="file"
            accept=".json,application/json"
            disabled={busy}
            data-testid="bundle-file"
            onChange={(e) => {
              const file = e.target.files?.[0]
              e.target.value = ''
              if (file) take(readBundleFile(file))
            }}
          />
        </>
      )}
      <FormError error={error} />
    </div>
  )
}

import { useRef, useState } from 'react'
import type { RedactionOptions } from '../../../../../shared/console/bundle/redact'
import type { PreparedBundle } from '../../../../../shared/console/domains/bundles'
import { FormError } from '../../../components/Notices'
import { api, errorMessage } from '../../../lib/transport/api'
import { saveBundle } from '../../../lib/actions/bundleFiles'
import { formatCount } from '../../../lib/format/format'
import { Modal } from '../../../components/Modal'
import { useAsync } from '../../../lib/hooks/useAsync'

const REASON: Record<string, string> = { secret: 'secret', tag: 'tag', detail: 'detail field' }

function toggled(list: string[], key: string, on: boolean): string[] {
  return on ? [...list, key].sort() : list.filter((k) => k !== key)
}

/**
 * Export incident bundle: the operator picks which tags and detail fields to leave out, sees the
 * preview of everything that will be removed (secrets always are), then saves the file.
 */
export function ExportBundleDialog({
  missionId,
  onClose
}: {
  missionId: string
  onClose: () => void
}) {
  const firstRef = useRef<HTMLButtonElement>(null)
  const [options, setOptions] = useState<RedactionOptions>({
    allTags: false,
    tagKeys: [],
    detailKeys: []
  })
  const [prepared, setPrepared] = useState<PreparedBundle | null>(null)
  const [keys, setKeys] = useState<PreparedBundle['keys'] | null>(null)
  const [saveError, setSaveError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [saved, setSaved] = useState<string | null>(null)

  // The preview is the main side's own redaction run: exactly what the saved file leaves out.
  const answer = useAsync(
    () => api().prepareIncidentBundle({ missionId, redaction: options }),
    `bundle:${missionId}:${JSON.stringify(options)}`
  )
  // The last answer stays shown while the next one loads, so the choices never vanish under focus.
  if (answer.data && answer.data !== prepared) {
    setPrepared(answer.data)
    if (!keys) setKeys(answer.data.keys)
  }
  const busy = saving || answer.loading
  const error = saveError ?? answer.error

  function save() {
    if (!prepared) return
    setSaving(true)
    setSaveError(null)
    saveBundle(prepared)
      .then((where) => where && setSaved(where))
      .catch((e: unknown) => setSaveError(errorMessage(e)))
      .finally(() => setSaving(false))
  }

  const counts = prepared?.counts
  return (
    <Modal
      className="bundle-dialog"
      labelledBy="bundle-dialog-title"
      testId="bundle-dialog"
      initialFocus={firstRef}
      onClose={onClose}
    >
      <h2 id="bundle-dialog-title">Export incident bundle of {missionId}</h2>
      <p className="muted">
        One file with the trace, its audit events, transitions, metrics, governor decisions,
        violations and reflex actions, and this environment's name and backend version. Tokens,
        passwords and Authorization headers are always removed.
      </p>
      <fieldset>
        <legend>Also remove tags</legend>
        <label>
          <input
            type="checkbox"
            checked={options.allTags}
            onChange={(e) => setOptions({ ...options, allTags: e.target.checked })}
            data-testid="redact-all-tags"
          />{' '}
          every tag value
        </label>
        {(keys?.tagKeys ?? []).map((key) => (
          <label key={key}>
            <input
              type="checkbox"
              disabled={options.allTags}
              checked={options.allTags || options.tagKeys.includes(key)}
              onChange={(e) =>
                setOptions({ ...options, tagKeys: toggled(options.tagKeys, key, e.target.checked) })
              }
              data-testid={`redact-tag-${key}`}
            />{' '}
            <span className="mono">{key}</span>
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Also remove detail fields</legend>
        {(keys?.detailKeys ?? []).length === 0 && (
          <span className="muted">No detail fields in this trace.</span>
        )}
        {(keys?.detailKeys ?? []).map((key) => (
          <label key={key}>
            <input
              type="checkbox"
              checked={options.detailKeys.includes(key)}
              onChange={(e) =>
                setOptions({
                  ...options,
                  detailKeys: toggled(options.detailKeys, key, e.target.checked)
                })
              }
              data-testid={`redact-detail-${key}`}
            />{' '}
            <span className="mono">{key}</span>
          </label>
        ))}
      </fieldset>
      <h3 className="compare-dialog-sub" id="bundle-preview-title">
        Preview: what will be removed
      </h3>
      <div aria-live="polite" data-testid="bundle-preview-summary">
        {counts
          ? `${formatCount(counts.secret)} secrets, ${formatCount(counts.tag)} tag values and ${formatCount(counts.detail)} detail fields will be removed; the file is ${formatCount(prepared?.bytes ?? 0)} bytes.`
          : busy
            ? 'Preparing the bundle…'
            : ''}
      </div>
      {prepared && prepared.removed.length > 0 && (
        <ul
          className="bundle-preview"
          aria-labelledby="bundle-preview-title"
          data-testid="bundle-preview"
          tabIndex={0}
        >
          {prepared.removed.map((r, i) => (
            <li key={i}>
              <span className={`badge ${r.reason === 'secret' ? 'tone-bad' : 'tone-warn'}`}>
                {REASON[r.reason]}
              </span>{' '}
              <span className="mono">{r.path}</span> <span className="muted">{r.preview}</span>
            </li>
          ))}
        </ul>
      )}
      <FormError error={error} />
      {saved && (
        <p className="notice tone-ok" role="status" data-testid="bundle-saved">
          {saved}
        </p>
      )}
      <div className="actions">
        <button type="button" ref={firstRef} onClick={onClose}>
          {saved ? 'Close' : 'Cancel'}
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy || !prepared}
          onClick={save}
          data-testid="bundle-save"
        >
          Save bundle
        </button>
      </div>
    </Modal>
  )
}

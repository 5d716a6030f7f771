import type { InputHTMLAttributes, ReactNode, Ref, SelectHTMLAttributes } from 'react'
import { FormError } from './Notices'

type InputAttributes = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'checked' | 'onChange'>

/**
 * A labelled text input (any `type` that holds a string: search, email, password, datetime-local).
 * The label wraps the input; with an `id` it stands before it instead (`hideLabel`: for screen
 * readers only, where a placeholder says the rest on screen).
 */
export function TextField({
  label,
  value,
  onChange,
  hideLabel,
  ref,
  ...input
}: InputAttributes & {
  label: ReactNode
  value: string
  onChange: (value: string) => void
  hideLabel?: boolean
  ref?: Ref<HTMLInputElement>
}) {
  const field = (
    <input ref={ref} value={value} onChange={(e) => onChange(e.target.value)} {...input} />
  )
  if (input.id === undefined)
    return (
      <label>
        {label}
        {field}
      </label>
    )
  return (
    <>
      <label htmlFor={input.id} className={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      {field}
    </>
  )
}

/** A checkbox with its label after it, on one line. */
export function CheckField({
  label,
  checked,
  onChange,
  ...input
}: InputAttributes & { label: ReactNode; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="row" style={{ flexDirection: 'row' }}>
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        {...input}
      />{' '}
      {label}
    </label>
  )
}

/** A labelled choice of `options`; `any` adds an empty first choice that reads "any". */
export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
  optionLabel,
  any,
  ...select
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'> & {
  label: ReactNode
  value: T | ''
  options: readonly T[]
  onChange: (value: T) => void
  optionLabel?: (option: T) => string
  any?: boolean
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value as T)} {...select}>
        {any && <option value="">any</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {optionLabel ? optionLabel(o) : o}
          </option>
        ))}
      </select>
    </label>
  )
}

/** The end of a form: why its last call failed (an alert), its buttons, and Cancel. */
export function FormActions({
  error,
  onCancel,
  children
}: {
  error: string | null
  onCancel: () => void
  children: ReactNode
}) {
  return (
    <>
      <FormError error={error} />
      <div className="row">
        {children}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  )
}

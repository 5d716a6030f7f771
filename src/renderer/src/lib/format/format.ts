import { formatCost } from '../../../../shared/neurorail/rollup'
/** Human wording of an age in milliseconds: "just now", "42 s", "3 min", "5 h", "2 d". */
export function formatAge(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return 'unknown'
  if (ms < 1500) return 'just now'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  const m = Math.round(s / 60)
  if (m < 60) return `${m} min`
  const h = Math.round(m / 60)
  if (h < 48) return `${h} h`
  return `${Math.round(h / 24)} d`
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })

/** Thousands-separated integer ("12,345"); "–" for missing values. */
export function formatCount(n: number | null | undefined): string {
  return n == null || !Number.isFinite(n) ? '–' : integer.format(n)
}

/** Number with up to two decimals. */
export function formatNumber(n: number | null | undefined): string {
  return n == null || !Number.isFinite(n) ? '–' : decimal.format(n)
}

/** Credits, never "0" for a non-zero amount (an ingested model call often costs under 0.005). */
export function formatCredits(n: number | null | undefined): string {
  return n == null || !Number.isFinite(n) ? '–' : formatCost(n)
}

/** A ratio as a percentage ("12.5 %"). */
export function formatPercent(ratio: number | null | undefined): string {
  return ratio == null || !Number.isFinite(ratio) ? '–' : `${decimal.format(ratio * 100)} %`
}

/** Milliseconds as "830 ms", "4.2 s", "3.5 min" or "2.1 h": one format with the roll-ups. */
export { formatDuration } from '../../../../shared/neurorail/rollup'

// Formatters are built once: toLocaleTimeString builds one per call, which shows at 60 rows a frame.
const TIME = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false
})
const DAY = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' })

/** ISO timestamp as local "HH:MM:SS" (with the local date, YYYY-MM-DD, when not today). */
export function formatTime(iso: string | number | null | undefined): string {
  if (iso == null) return '–'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return String(iso)
  const time = TIME.format(d)
  const today = DAY.format(new Date())
  const day = DAY.format(d)
  return day === today ? time : `${day} ${time}`
}

/** "just now" or "42 s old": how old the newest data is. */
export function formatDataAge(ms: number | null | undefined): string {
  const age = formatAge(ms)
  return age === 'just now' || age === 'unknown' ? age : `${age} old`
}

/** Visual tone of a state badge; the badge always prints the state too, colour is never alone. */
export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'idle'

const TONES: Record<string, Tone> = {
  // lifecycle
  pending: 'idle',
  created: 'idle',
  ready: 'idle',
  planning: 'info',
  planned: 'idle',
  executing: 'info',
  running: 'info',
  completed: 'ok',
  succeeded: 'ok',
  failed: 'bad',
  failed_mechanical: 'bad',
  failed_ethical: 'bad',
  failed_timeout: 'bad',
  failed_resource: 'bad',
  failed_error: 'bad',
  timeout: 'bad',
  cancelled: 'idle',
  // reflex
  closed: 'ok',
  open: 'bad',
  half_open: 'warn',
  suspended: 'warn',
  throttled: 'warn',
  // connection
  live: 'ok',
  polling: 'info',
  connecting: 'idle',
  offline: 'warn',
  auth_failed: 'bad',
  // audit severity
  info: 'info',
  warning: 'warn',
  error: 'bad',
  critical: 'bad',
  // governor
  rail: 'info',
  direct: 'idle'
}

/** Tone for a state, severity or status name; unknown names are neutral. */
export function toneOf(state: string | null | undefined): Tone {
  // Own keys only: a backend's state named `constructor` or `toString` is just unknown.
  return (state && Object.hasOwn(TONES, state) && TONES[state]) || 'idle'
}

/** Human label of a state name: `failed_mechanical` → `failed (mechanical)`, `half_open` → `half-open`. */
export function stateLabel(state: string | null | undefined): string {
  if (!state) return 'no state'
  if (state === 'half_open') return 'half-open'
  if (state === 'auth_failed') return 'sign-in refused'
  const m = /^failed_(.+)$/.exec(state)
  return m ? `failed (${m[1]})` : state.replace(/_/g, ' ')
}

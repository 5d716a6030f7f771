import { pino, stdTimeFunctions } from 'pino'
import type { LogEntry } from './http/server'

/**
 * The engine's default log sink: pino's JSON lines on stdout (synchronous writes, so nothing is
 * lost when the process exits right after). Each line keeps the fields the engine has always
 * written — `level` as a word, `time` as an ISO string, `msg`, then the entry's own fields
 * (`request_id`, `route`, `status`, `duration_ms`, …) — and no `pid`/`hostname`, which a
 * collector adds itself. An entry's own `time` is replaced by pino's, taken as it writes.
 */
export function stdoutLogSink(): (entry: LogEntry) => void {
  const logger = pino({
    base: null,
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) }
  })
  return (entry) => {
    const { time: _time, level, msg, ...fields } = entry
    const text = typeof msg === 'string' ? msg : undefined
    if (level === 'error') logger.error(fields, text)
    else if (level === 'warn') logger.warn(fields, text)
    else logger.info(fields, text)
  }
}

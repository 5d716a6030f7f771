/** Wire format of the export: OTLP/HTTP with protobuf bodies (the default) or JSON bodies. */
export type OtlpExportProtocol = 'http/protobuf' | 'http/json'

/** Engine options of the OTLP export; each overrides its `OTEL_EXPORTER_OTLP_*` variable. */
export interface OtlpExportOptions {
  /** Full traces URL (`…/v1/traces`); `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `…_ENDPOINT` + `/v1/traces`. */
  endpoint?: string
  /** Request headers (an API key); `OTEL_EXPORTER_OTLP_TRACES_HEADERS` / `…_HEADERS` (`k=v,k2=v2`). */
  headers?: Record<string, string>
  /** `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `…_PROTOCOL`; `grpc` is not supported. */
  protocol?: OtlpExportProtocol
  /** Spans the batch processor holds at most; more are dropped and counted. Default 2048. */
  maxQueueSize?: number
  /** Spans per export request. Default 512. */
  maxExportBatchSize?: number
  /** Longest a span waits for its batch. Default 2000 ms. */
  scheduledDelayMs?: number
  /** One export request's timeout. Default 10000 ms. */
  exportTimeoutMs?: number
  /** How often the exporter reads the event log when nothing wakes it. Default 1000 ms. */
  pollMs?: number
  /** `service.name` of the exported resource. Default `controldeck-engine`. */
  serviceName?: string
}

/** The resolved, validated export settings. */
export interface OtlpExportConfig {
  url: string
  headers: Record<string, string>
  protocol: OtlpExportProtocol
  maxQueueSize: number
  maxExportBatchSize: number
  scheduledDelayMs: number
  exportTimeoutMs: number
  pollMs: number
  serviceName: string
}

/** Off (nothing configured), invalid (with a reason fit for a log line: never a header value), or on. */
export type OtlpExportResolution =
  | { state: 'off' }
  | { state: 'invalid'; reason: string }
  | { state: 'on'; config: OtlpExportConfig }

/** The environment variables read (a subset of the OpenTelemetry SDK's). */
export type OtlpEnv = Readonly<Record<string, string | undefined>>

const MAX_URL = 2048
const MAX_HEADERS = 64
const MAX_HEADER_BYTES = 8192
// RFC 9110 token: what a header name may be.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/
// A value may not smuggle a line break or another control character into the request.
// eslint-disable-next-line no-control-regex
const BAD_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f]/

function envOf(env: OtlpEnv, name: string): string | undefined {
  const specific = env[`OTEL_EXPORTER_OTLP_TRACES_${name}`]?.trim()
  if (specific) return specific
  return env[`OTEL_EXPORTER_OTLP_${name}`]?.trim() || undefined
}

/** `url` without its user info, for log lines and the status route. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    return u.toString()
  } catch {
    return '(unparseable URL)'
  }
}

/** Parses `k=v,k2=v2` (values URL-encoded, as the OTel spec says), or says which entry is bad. */
export function parseOtlpHeaders(
  text: string
): { ok: true; headers: Record<string, string> } | { ok: false; reason: string } {
  const headers: Record<string, string> = {}
  if (text.length > MAX_HEADER_BYTES)
    return { ok: false, reason: `headers longer than ${MAX_HEADER_BYTES} characters` }
  const entries = text.split(',').filter((e) => e.trim() !== '')
  if (entries.length > MAX_HEADERS) return { ok: false, reason: `more than ${MAX_HEADERS} headers` }
  for (const [i, entry] of entries.entries()) {
    const eq = entry.indexOf('=')
    if (eq <= 0) return { ok: false, reason: `header ${i + 1} is not key=value` }
    let key: string
    let value: string
    try {
      key = decodeURIComponent(entry.slice(0, eq).trim())
      value = decodeURIComponent(entry.slice(eq + 1).trim())
    } catch {
      return { ok: false, reason: `header ${i + 1} is not valid percent-encoding` }
    }
    const bad = checkHeader(key, value)
    if (bad) return { ok: false, reason: `header ${i + 1}: ${bad}` }
    headers[key] = value
  }
  return { ok: true, headers }
}

function checkHeader(key: string, value: string): string | null {
  if (!HEADER_NAME.test(key)) return 'the name is not a valid header name'
  if (BAD_VALUE.test(value)) return `the value of ${key} contains a control character`
  return null
}

function positiveInt(value: number | undefined, fallback: number, max: number): number {
  return value !== undefined && Number.isInteger(value) && value > 0
    ? Math.min(value, max)
    : fallback
}

/**
 * Resolves the export settings from engine options over the standard `OTEL_EXPORTER_OTLP_*`
 * variables. Nothing configured (or `OTEL_SDK_DISABLED=true`, `OTEL_TRACES_EXPORTER=none`) is off;
 * a bad URL, header or protocol is `invalid`: the engine logs the reason and runs without export.
 */
export function resolveExportConfig(
  options: OtlpExportOptions = {},
  env: OtlpEnv = {}
): OtlpExportResolution {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { state: 'off' }
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return { state: 'off' }
  let url = options.endpoint?.trim()
  if (!url) {
    url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()
    const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()
    if (!url && base) url = base.replace(/\/+$/, '') + '/v1/traces'
  }
  if (!url) return { state: 'off' }
  if (url.length > MAX_URL)
    return { state: 'invalid', reason: `the endpoint is longer than ${MAX_URL} characters` }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { state: 'invalid', reason: 'the endpoint is not a URL' }
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return {
      state: 'invalid',
      reason: `the endpoint must be http: or https:, not ${parsed.protocol}`
    }
  }
  const protocol = options.protocol ?? envOf(env, 'PROTOCOL') ?? 'http/protobuf'
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    return {
      state: 'invalid',
      reason: `protocol ${JSON.stringify(protocol.slice(0, 40))} is not supported (http/protobuf or http/json)`
    }
  }
  let headers: Record<string, string> = {}
  if (options.headers) {
    const entries = Object.entries(options.headers)
    if (entries.length > MAX_HEADERS)
      return { state: 'invalid', reason: `more than ${MAX_HEADERS} headers` }
    for (const [k, v] of entries) {
      const bad = typeof v === 'string' ? checkHeader(k, v) : 'the value is not a string'
      if (bad) return { state: 'invalid', reason: `header option: ${bad}` }
    }
    headers = { ...options.headers }
  } else {
    const text = envOf(env, 'HEADERS')
    if (text) {
      const h = parseOtlpHeaders(text)
      if (!h.ok) return { state: 'invalid', reason: `OTEL_EXPORTER_OTLP_HEADERS: ${h.reason}` }
      headers = h.headers
    }
  }
  const maxQueueSize = positiveInt(options.maxQueueSize, 2048, 1_000_000)
  return {
    state: 'on',
    config: {
      url: parsed.toString(),
      headers,
      protocol,
      maxQueueSize,
      maxExportBatchSize: Math.min(
        positiveInt(options.maxExportBatchSize, 512, 100_000),
        maxQueueSize
      ),
      scheduledDelayMs: positiveInt(options.scheduledDelayMs, 2000, 600_000),
      exportTimeoutMs: positiveInt(options.exportTimeoutMs, 10_000, 600_000),
      pollMs: positiveInt(options.pollMs, 1000, 600_000),
      serviceName: options.serviceName?.trim().slice(0, 200) || 'controldeck-engine'
    }
  }
}

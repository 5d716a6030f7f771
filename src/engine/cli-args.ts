import { parseArgs } from 'node:util'
import { z } from 'zod'

/** Parsed and validated command line of `controldeck-engine`. */
export interface CliOptions {
  port: number
  host: string
  db: string
  token: string | undefined
  /** Requests per second per token (burst twice that); 0 turns rate limiting off. */
  rateLimit: number | undefined
  seed: boolean
  quiet: boolean
  /** Second listener for OTLP `POST /v1/traces` (4318 is OTLP's default); off when absent. */
  otlpPort: number | undefined
  /** JSON file of model prices for ingested usage ([{provider, model, input, output}]). */
  otelPrices: string | undefined
  /** Store GenAI message contents of ingested spans. */
  otelCaptureContent: boolean
  help: boolean
  version: boolean
}

/** Usage text for `--help`. */
export const USAGE = `Usage: controldeck-engine [options]

  --port N        TCP port (default 8765; 0 picks a free one)
  --host ADDR     interface to bind (default 127.0.0.1)
  --db PATH       SQLite file (default ./controldeck-engine.db; ":memory:" for a throwaway engine)
  --token TOKEN   admin bearer token (default: generated and printed)
  --rate-limit N  requests per second per token, burst 2N (default 2000; 0 = off)
  --otlp-port N   also serve OTLP POST /v1/traces on port N (e.g. 4318; default: engine port only)
  --otel-prices F JSON file of model prices, [{provider, model, input, output}] per 1M tokens
  --otel-capture-content  store GenAI message contents of ingested spans (default: dropped)
  --seed          load the demo dataset after start
  --quiet         no request logs
  --version       print the version
  --help          this text

Memory: the controldeck-engine launcher runs the engine with --max-semi-space-size=4 and
MALLOC_ARENA_MAX=2 (a smaller V8 young generation, fewer glibc malloc arenas), which keeps its
resident size 20-30 MB lower at no measurable throughput cost; CONTROLDECK_ENGINE_UNTUNED=1
runs it with Node's defaults.`

const OptionsSchema = z.object({
  port: z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535'),
  host: z.string().min(1, 'must not be empty'),
  db: z.string().min(1, 'must not be empty'),
  token: z.string().min(16, 'must be at least 16 characters').optional(),
  'rate-limit': z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be 0 or more')
    .optional(),
  'otlp-port': z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .optional(),
  'otel-prices': z.string().min(1, 'must not be empty').optional()
})

/** Parses argv; returns options or a one-line error message. */
export function parseCli(argv: string[]): { ok: true; options: CliOptions } | { ok: false; error: string } {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string', default: '8765' },
        host: { type: 'string', default: '127.0.0.1' },
        db: { type: 'string', default: './controldeck-engine.db' },
        token: { type: 'string' },
        'rate-limit': { type: 'string' },
        'otlp-port': { type: 'string' },
        'otel-prices': { type: 'string' },
        'otel-capture-content': { type: 'boolean', default: false },
        seed: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false }
      }
    }).values
  } catch (err) {
    return { ok: false, error: (err as Error).message }
  }
  const parsed = OptionsSchema.safeParse({
    port: values.port,
    host: values.host,
    db: values.db,
    token: values.token,
    'rate-limit': values['rate-limit'],
    'otlp-port': values['otlp-port'],
    'otel-prices': values['otel-prices']
  })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { ok: false, error: `--${String(issue?.path[0] ?? 'option')} ${issue?.message ?? 'is invalid'}` }
  }
  return {
    ok: true,
    options: {
      port: parsed.data.port,
      host: parsed.data.host,
      db: parsed.data.db,
      token: parsed.data.token,
      rateLimit: parsed.data['rate-limit'],
      seed: values.seed === true,
      otlpPort: parsed.data['otlp-port'],
      otelPrices: parsed.data['otel-prices'],
      otelCaptureContent: values['otel-capture-content'] === true,
      quiet: values.quiet === true,
      help: values.help === true,
      version: values.version === true
    }
  }
}

import { parseArgs } from 'node:util'
import { z } from 'zod'
import { normalizeAllowedHost } from '../shared/net/host'
import { loadPrices, type ModelPrice } from './otlp/ingest-prices'
import { tokenProblem } from './token-source'

/** Parsed and validated command line of `controldeck-engine`. */
export interface CliOptions {
  port: number
  host: string
  db: string
  token: string | undefined
  /** A file holding the admin token (one line). */
  tokenFile: string | undefined
  /** Host names answered besides the loopback names and the bound address (`--allow-host`). */
  allowHosts: string[]
  /** Requests per second per viewer/operator token (burst twice that); 0 turns it off. */
  rateLimit: number | undefined
  /** The same for admin tokens; default off. */
  adminRateLimit: number | undefined
  seed: boolean
  quiet: boolean
  /** Second listener for OTLP `POST /v1/traces` (4318 is OTLP's default); off when absent. */
  otlpPort: number | undefined
  /** JSON file of model prices for ingested usage ([{provider, model, input, output}]). */
  otelPrices: string | undefined
  /** The prices read from `otelPrices` (bounded and validated while parsing); [] without. */
  prices: ModelPrice[]
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
  --token-file F  read the admin bearer token from file F (one line); or set
                  CONTROLDECK_ENGINE_TOKEN. Default: generated and printed
  --token TOKEN   the admin token on the command line, where other local users can read it
                  (ps); prefer --token-file
  --allow-host H  also answer requests for Host H (name: any port; name:port: that one; * turns
                  the check off), e.g. behind a reverse proxy; repeatable. Other Hosts than the
                  loopback names (any port) and --host with the served port get 421 (DNS rebinding)
  --rate-limit N  requests per second per viewer or operator token, burst 2N (default 2000;
                  0 = off); over it: 429 with Retry-After
  --admin-rate-limit N  the same for admin tokens (default 0 = off)
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

const RateSchema = z.coerce
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(0, 'must be 0 or more')
  .optional()

const OptionsSchema = z.object({
  port: z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535'),
  host: z.string().min(1, 'must not be empty'),
  db: z.string().min(1, 'must not be empty'),
  token: z
    .string()
    .superRefine((t, ctx) => {
      const problem = tokenProblem(t)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    })
    .optional(),
  'token-file': z.string().min(1, 'must not be empty').optional(),
  'allow-host': z.array(
    z
      .string()
      .refine((h) => normalizeAllowedHost(h) !== null, 'must be a host name, host:port or *')
  ),
  'rate-limit': RateSchema,
  'admin-rate-limit': RateSchema,
  'otlp-port': z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .optional(),
  'otel-prices': z
    .string()
    .min(1, 'must not be empty')
    .transform((file, ctx) => {
      // Read here, so a bad file is one clear line naming it, before anything starts.
      try {
        return { file, prices: loadPrices(file) }
      } catch (err) {
        ctx.addIssue((err as Error).message)
        return z.NEVER
      }
    })
    .optional()
})

/** Parses argv; returns options or a one-line error message. */
export function parseCli(
  argv: string[]
): { ok: true; options: CliOptions } | { ok: false; error: string } {
  let values: Record<string, string | boolean | string[] | undefined>
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
        'token-file': { type: 'string' },
        'allow-host': { type: 'string', multiple: true, default: [] },
        'rate-limit': { type: 'string' },
        'admin-rate-limit': { type: 'string' },
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
    'token-file': values['token-file'],
    'allow-host': values['allow-host'],
    'rate-limit': values['rate-limit'],
    'admin-rate-limit': values['admin-rate-limit'],
    'otlp-port': values['otlp-port'],
    'otel-prices': values['otel-prices']
  })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return {
      ok: false,
      error: `--${String(issue?.path[0] ?? 'option')} ${issue?.message ?? 'is invalid'}`
    }
  }
  return {
    ok: true,
    options: {
      port: parsed.data.port,
      host: parsed.data.host,
      db: parsed.data.db,
      token: parsed.data.token,
      tokenFile: parsed.data['token-file'],
      allowHosts: parsed.data['allow-host'],
      rateLimit: parsed.data['rate-limit'],
      adminRateLimit: parsed.data['admin-rate-limit'],
      seed: values.seed === true,
      otlpPort: parsed.data['otlp-port'],
      otelPrices: parsed.data['otel-prices']?.file,
      prices: parsed.data['otel-prices']?.prices ?? [],
      otelCaptureContent: values['otel-capture-content'] === true,
      quiet: values.quiet === true,
      help: values.help === true,
      version: values.version === true
    }
  }
}

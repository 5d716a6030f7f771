// Entry point of the `controldeck-engine` bin (bundled to out/node/engine.js).
import type { RateLimitOptions } from './auth/rate-limit'
import { parseCli, USAGE } from './cli-args'
import { readFileSync } from 'node:fs'
import { startEngine } from './index'
import { parsePrices } from './otlp/ingest-prices'
import { otlpExportModule } from './routes/otlp-export'
import { seedDemoData } from './seed'
import { ENGINE_VERSION } from './version'

/** `--rate-limit N`: absent → engine default, 0 → off, N → N/s with a burst of 2N. */
function rateLimitOption(n: number | undefined): RateLimitOptions | false | undefined {
  if (n === undefined) return undefined
  return n === 0 ? false : { perSecond: n, burst: n * 2 }
}

async function main(): Promise<void> {
  const parsed = parseCli(process.argv.slice(2))
  if (!parsed.ok) {
    console.error(`controldeck-engine: ${parsed.error} (see --help)`)
    process.exit(1)
  }
  const o = parsed.options
  if (o.help) {
    console.log(USAGE)
    return
  }
  if (o.version) {
    console.log(ENGINE_VERSION)
    return
  }
  let engine
  try {
    const prices = o.otelPrices ? parsePrices(JSON.parse(readFileSync(o.otelPrices, 'utf8')) as unknown) : []
    engine = await startEngine({
      otlp: { port: o.otlpPort ?? null, prices, captureContent: o.otelCaptureContent },
      dbPath: o.db,
      host: o.host,
      port: o.port,
      adminToken: o.token,
      quiet: o.quiet,
      rateLimit: rateLimitOption(o.rateLimit),
      // Trace export to a collector named by the standard OTEL_EXPORTER_OTLP_* variables.
      modules: [otlpExportModule({ env: process.env })]
    })
  } catch (err) {
    console.error(`controldeck-engine: cannot start: ${(err as Error).message}`)
    process.exit(1)
  }
  // The one line a person or a script needs: where it is and how to get in.
  console.log(`controldeck-engine listening on ${engine.url} admin token: ${engine.adminToken}`)
  if (engine.otlpUrl) console.log(`controldeck-engine OTLP traces on ${engine.otlpUrl}`)
  if (o.seed) {
    const summary = await seedDemoData(engine.baseUrl, engine.adminToken)
    console.log(`controldeck-engine seeded demo data: ${summary.missions.length} missions, ${summary.jobs.length} jobs`)
  }
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    console.error(`controldeck-engine: ${signal}, shutting down`)
    engine.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`controldeck-engine: shutdown failed: ${(err as Error).message}`)
        process.exit(1)
      }
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

void main()

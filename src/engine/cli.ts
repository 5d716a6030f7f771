// Entry point of the `controldeck-engine` bin (bundled to out/node/engine.js).
import type { RateLimitOptions } from './auth/rate-limit'
import { parseCli, USAGE } from './cli-args'
import { startEngine } from './index'
import { otlpExportModule } from './routes/otlp-export'
import { seedDemoData } from './seed'
import { ARGV_TOKEN_ENV, chooseAdminToken, TOKEN_ENV } from './token-source'
import { ENGINE_VERSION } from './version'

/**
 * Started by the `controldeck-engine` launcher (bin/controldeck-engine.mjs), the engine has an IPC
 * channel to it. When the launcher dies, even by SIGKILL or the OOM killer, which it cannot
 * forward, the kernel closes the channel and 'disconnect' fires here at once: no polling, no
 * guessing from process.ppid (which under a subreaper is not 1), and the engine's stdin stays
 * the terminal's. The engine then shuts down as on SIGTERM, freeing its port and database.
 */
function exitWithLauncher(gone: () => void): void {
  if (!process.channel) return
  // The channel alone must not keep a stopping engine alive.
  process.channel.unref()
  process.on('disconnect', gone)
}

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
  // Listen from the start: the launcher may die while the engine is still opening its database.
  let launcherGone = false
  let onLauncherGone = (): void => {
    launcherGone = true
  }
  exitWithLauncher(() => onLauncherGone())
  const chosen = chooseAdminToken({ token: o.token, tokenFile: o.tokenFile }, process.env)
  // Nothing this process starts inherits the token.
  delete process.env[TOKEN_ENV]
  delete process.env[ARGV_TOKEN_ENV]
  if (!chosen.ok) {
    console.error(`controldeck-engine: ${chosen.error}`)
    process.exit(1)
  }
  if (o.token !== undefined) {
    // Run in-process (CONTROLDECK_ENGINE_UNTUNED=1): overwrite our own command line, which every
    // local user can read; the launcher does the same for its own.
    process.title = 'controldeck-engine'
    console.error(
      'controldeck-engine: --token is visible to other local users until it is read; prefer --token-file or CONTROLDECK_ENGINE_TOKEN'
    )
  }
  let engine
  try {
    engine = await startEngine({
      otlp: { port: o.otlpPort ?? null, prices: o.prices, captureContent: o.otelCaptureContent },
      dbPath: o.db,
      host: o.host,
      port: o.port,
      adminToken: chosen.token,
      allowedHosts: o.allowHosts,
      quiet: o.quiet,
      rateLimit: rateLimitOption(o.rateLimit),
      adminRateLimit: rateLimitOption(o.adminRateLimit) ?? false,
      // Trace export to a collector named by the standard OTEL_EXPORTER_OTLP_* variables.
      modules: [otlpExportModule({ env: process.env })]
    })
  } catch (err) {
    console.error(`controldeck-engine: cannot start: ${(err as Error).message}`)
    process.exit(1)
  }
  // The one line a person or a script needs: where it is and how to get in. A token the caller
  // chose is never printed (logs and terminals are read by more people than the token's owner).
  const access =
    chosen.token === undefined
      ? `admin token: ${engine.adminToken}`
      : `(admin token from ${chosen.source})`
  console.log(`controldeck-engine listening on ${engine.url} ${access}`)
  if (engine.otlpUrl) console.log(`controldeck-engine OTLP traces on ${engine.otlpUrl}`)
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
  onLauncherGone = () => stop('launcher gone')
  if (launcherGone) stop('launcher gone')
  if (o.seed && !stopping) {
    const summary = await seedDemoData(engine.baseUrl, engine.adminToken)
    console.log(
      `controldeck-engine seeded demo data: ${summary.missions.length} missions, ${summary.jobs.length} jobs`
    )
  }
}

void main()

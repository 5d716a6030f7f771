import { route } from '../http/route'
import type { EngineModule } from '../module'
import { exportMetrics, OtlpExport, type OtlpExportStatus } from '../otlp/export'
import {
  redactUrl,
  resolveExportConfig,
  type OtlpEnv,
  type OtlpExportOptions
} from '../otlp/export-config'

/** The handle of the `otlp-export` module: its status, and a flush for tests and shutdown. */
export interface OtlpExportHandle {
  status(): OtlpExportStatus
  /** Reads everything committed and waits until it is sent (a no-op when off). */
  flush(): Promise<void>
}

/** Options of {@link otlpExportModule}. */
export interface OtlpExportModuleOptions {
  /** Engine options; each wins over its environment variable. */
  export?: OtlpExportOptions
  /** Where `OTEL_EXPORTER_OTLP_*` are read; pass `process.env` (tests pass their own). */
  env?: OtlpEnv
}

/**
 * The engine module that exports the trace chain as OTLP (`./export`). Off unless an endpoint is
 * configured; a bad configuration is logged once and leaves it off, never stops the engine. It
 * lists `otlp_export` in `/capabilities` only when on, and serves `GET /otlp/export` either way.
 */
export function otlpExportModule(
  options: OtlpExportModuleOptions = {}
): EngineModule<OtlpExportHandle> {
  const resolved = resolveExportConfig(options.export, options.env ?? {})
  return {
    name: 'otlp-export',
    features: resolved.state === 'on' ? ['otlp_export'] : [],
    migrations: [],
    attach(ctx) {
      let exporter: OtlpExport | null = null
      let off = (): void => undefined
      if (resolved.state === 'invalid') {
        ctx.log({
          time: new Date().toISOString(),
          level: 'error',
          msg: `OTLP export off: ${resolved.reason}`
        })
      } else if (resolved.state === 'on') {
        exporter = new OtlpExport(ctx.services, resolved.config)
        exporter.start()
        const e = exporter
        off = ctx.extend('transitionCommitted', () => e.wake())
        ctx.log({
          time: new Date().toISOString(),
          level: 'info',
          msg: 'OTLP export on',
          endpoint: redactUrl(resolved.config.url),
          protocol: resolved.config.protocol
        })
      }
      const status = (): OtlpExportStatus =>
        exporter?.status() ?? {
          enabled: false,
          reason: resolved.state === 'invalid' ? resolved.reason : null,
          endpoint: null,
          protocol: null,
          queued: 0,
          exported_spans: 0,
          failed_spans: 0,
          dropped_spans: 0,
          dropped_notes: 0,
          last_error: null
        }
      return {
        handle: { status, flush: () => exporter?.flush() ?? Promise.resolve() },
        routes: [
          route({
            method: 'GET',
            path: '/otlp/export',
            permission: 'read:metrics',
            handler: () => status()
          })
        ],
        metrics: exportMetrics(status),
        dispose: () => {
          off()
          // Reads the log one last time (the store is still open) and sends in the background.
          void exporter?.close()
        }
      }
    }
  }
}

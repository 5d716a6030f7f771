import path from 'node:path'
import { startEngine } from '../../engine'
import { otlpExportModule } from '../../engine/routes/otlp-export'
import type { ServiceLog } from './console-service'
import type { ServiceContext } from './context'
import { loadOrCreateIngestToken } from './otlp-ingest-token'
import { ensurePrivateDir, ensurePrivateFile } from './private-dir'
import { createToken } from './serve/token'
import type { Role } from '../../shared/neurorail/rbac'

/**
 * The role the OTLP ingest token carries. It must create missions, jobs and attempts and move
 * them (what ingest does); operator is the narrowest built-in role that can.
 */
const INGEST_TOKEN_ROLE = 'operator'

/** The embedded engine as the console sees it. */
export interface EngineHost {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  /** Per-launch admin token; stays on the main side (never sent to the renderer). */
  readonly adminToken: string
  readonly dbPath: string
  /**
   * Where an OTel-instrumented agent sends its traces (`<url>/v1/traces`) and the bearer token it
   * sends (kept in `<dataDir>/otlp-ingest-token`, 0600, the same across launches). Main side only:
   * the renderer gets the token only through an explicit copy (see `copyOtlpIngestToken`).
   */
  readonly otlpIngest: { readonly url: string; readonly token: string }
  /** Registers another bearer token with a role (local agent runs get one each). */
  addToken(token: string, role: Role, name?: string): void
  /** Revokes a token given by `addToken` (a local run's, once the run has exited). */
  removeToken(token: string): void
  close(): Promise<void>
}

/** Options of {@link startEngineHost}. */
export interface EngineHostOptions {
  /** The console's data folder; the engine keeps `<dataDir>/engine.db` there. */
  readonly dataDir: string
  /** 0 (default) picks a free port. */
  readonly port?: number
  /** Receives the engine's errors (failed requests, unexpected exceptions); silent without. */
  readonly log?: ServiceLog
}

/**
 * What the console services may use of a started engine (its URL and tokens, not close or the
 * database path), or null when none runs.
 */
export function localEngineOf(host: EngineHost | null): ServiceContext['localEngine'] {
  return host
    ? {
        url: host.url,
        adminToken: host.adminToken,
        addToken: host.addToken,
        removeToken: host.removeToken,
        otlpIngest: host.otlpIngest
      }
    : null
}

/**
 * Starts the embedded governance engine in this process, bound to 127.0.0.1 only, with a fresh
 * admin token per launch so that nothing else on the machine can drive it.
 */
export async function startEngineHost(options: EngineHostOptions): Promise<EngineHost> {
  const notice = ensurePrivateDir(options.dataDir)
  if (notice) options.log?.(notice)
  const dbPath = path.join(options.dataDir, 'engine.db')
  ensurePrivateFile(dbPath)
  const adminToken = createToken()
  const ingestToken = await loadOrCreateIngestToken(options.dataDir)
  const engine = await startEngine({
    dbPath,
    host: '127.0.0.1',
    port: options.port ?? 0,
    adminToken,
    tokens: [{ token: ingestToken, role: INGEST_TOKEN_ROLE, name: 'otlp-ingest' }],
    quiet: true,
    logger: options.log ? engineErrorLogger(options.log) : undefined,
    // The trace export follows the standard OTEL_EXPORTER_OTLP_* variables of this process.
    modules: [otlpExportModule({ env: process.env })]
  })
  return {
    url: engine.url,
    adminToken,
    dbPath,
    otlpIngest: { url: `${engine.url}/v1/traces`, token: ingestToken },
    addToken: (token, role, name) => engine.addToken(token, role, name),
    removeToken: (token) => engine.removeToken(token),
    close: () => engine.close()
  }
}

/** Passes the engine's error entries on (one JSON entry per request otherwise: too much here). */
function engineErrorLogger(log: ServiceLog): (entry: object) => void {
  return (entry) => {
    const e = entry as Record<string, unknown>
    if (e.level !== 'error') return
    const what =
      e.msg === 'request'
        ? `${String(e.method)} ${String(e.path)} answered ${String(e.status)}`
        : String(e.msg)
    // The first line of the stack in the sentence (hosts may print only that), the rest as details.
    const cause = typeof e.error === 'string' ? `: ${e.error.split('\n', 1)[0]}` : ''
    log(`engine: ${what} (request ${String(e.request_id)})${cause}`, e.error)
  }
}

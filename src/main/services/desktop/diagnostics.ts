/**
 * "Copy diagnostics": what a bug report needs (versions, platform, environment count, cache size,
 * recent errors) and nothing secret. Errors pass through {@link redactSecrets} when recorded and
 * again when written out, with the secrets this launch knows (the engine's admin token) removed
 * verbatim besides the patterns. The redaction is the client's (one set of rules for every text the
 * console passes on).
 */
import { redactSecrets } from '../client/redact'

/** The last errors the main side logged, redacted and bounded (for diagnostics only). */
export class RecentErrors {
  private readonly lines: string[] = []

  constructor(
    private readonly max = 20,
    private readonly known: () => readonly string[] = () => []
  ) {}

  /** Records one log line (message and, when given, the error's first line). */
  add(message: string, details?: unknown, at: Date = new Date()): void {
    const detail =
      details instanceof Error ? details.message : typeof details === 'string' ? details : ''
    const line = `${at.toISOString()} ${message}${detail ? `: ${detail.split('\n')[0]}` : ''}`
    this.lines.push(redactSecrets(line, this.known()).slice(0, 500))
    if (this.lines.length > this.max) this.lines.shift()
  }

  list(): string[] {
    return [...this.lines]
  }
}

/** Everything the diagnostics text is made of. */
export interface DiagnosticsInput {
  readonly appVersion: string
  /** e.g. `{ electron: '45.4.1', chrome: '…', node: '…' }` (process.versions). */
  readonly versions: Readonly<Record<string, string | undefined>>
  readonly platform: string
  readonly arch: string
  readonly osRelease: string
  readonly dataDir: string
  readonly environmentCount: number | null
  readonly activeEnvironment: { readonly kind: string; readonly status: string } | null
  readonly cacheBytes: number | null
  readonly engineRunning: boolean
  readonly recentErrors: readonly string[]
  readonly now: Date
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

/** The diagnostics text, redacted once more as a whole. */
export function diagnosticsText(
  input: DiagnosticsInput,
  knownSecrets: readonly string[] = []
): string {
  const v = input.versions
  const lines = [
    `ControlDeck ${input.appVersion} diagnostics (${input.now.toISOString()})`,
    `Electron ${v.electron ?? '-'} · Chromium ${v.chrome ?? '-'} · Node ${v.node ?? '-'}`,
    `OS: ${input.platform} ${input.osRelease} (${input.arch})`,
    `Data folder: ${input.dataDir}`,
    `Environments: ${input.environmentCount ?? 'unknown'}`,
    // Kind and status only: environment names and URLs can identify a customer.
    `Active environment: ${input.activeEnvironment ? `${input.activeEnvironment.kind}, ${input.activeEnvironment.status}` : 'none'}`,
    `Cache of the active environment: ${input.cacheBytes === null ? 'unknown' : mb(input.cacheBytes)}`,
    `Embedded engine: ${input.engineRunning ? 'running' : 'not running'}`,
    `Recent errors (${input.recentErrors.length}):`,
    ...(input.recentErrors.length ? input.recentErrors.map((line) => `  ${line}`) : ['  none'])
  ]
  return redactSecrets(lines.join('\n'), knownSecrets)
}

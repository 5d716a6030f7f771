import type { Clock } from './clock'
import type { Extend } from './extensions'
import type { RouteDef } from './http/route'
import type { PromText } from './metrics/prometheus'
import type { EngineServices } from './services'

/** What the engine hands a module when it attaches it. */
export interface ModuleContext {
  services: EngineServices
  /** The one way to plug into the core (see `./extensions`); unplug on dispose. */
  extend: Extend
  /** The engine's clock (tests pass a fake one through `startEngine`). */
  clock: Clock
  /** The engine's structured log sink (silent when the engine is `quiet`). */
  log: (entry: Record<string, unknown>) => void
}

/** A module once attached: its handle, what it serves, and how it stops. */
export interface AttachedModule<H = unknown> {
  /** The module's own API (e.g. `Governance`), handed back by `startEngine`. */
  handle: H
  /** Its HTTP routes, declared as data (`http/route`). */
  routes: readonly RouteDef[]
  /** Appends its families to `GET /metrics`. */
  metrics?: (p: PromText) => void
  /** Unplugs it and stops its timers; the store closes after this. */
  dispose(): void
}

/**
 * An engine module (governance; OTLP ingest next): a part of the engine that owns tables, routes
 * and behaviour, and reaches the core only through `ModuleContext`. The engine migrates its
 * tables (its own ledger row), attaches it, lists its features in `GET /capabilities`, serves its
 * routes and metrics, and disposes it on close, in reverse order.
 */
export interface EngineModule<H = unknown> {
  /** Unique; also its row in the store's migration ledger (never rename a shipped module). */
  name: string
  /** Feature names for `GET /capabilities`. */
  features: readonly string[]
  /** Its schema migrations in order (append only, see `store/migrate.ts`). */
  migrations: readonly string[]
  attach(ctx: ModuleContext): AttachedModule<H>
}

/** Migrates `module`'s tables, attaches it, and registers its features and metrics. */
export function attachModule<H>(module: EngineModule<H>, ctx: ModuleContext): AttachedModule<H> {
  ctx.services.store.migrateModule(module.name, module.migrations)
  const attached = module.attach(ctx)
  for (const f of module.features) ctx.services.features.add(f)
  if (attached.metrics) ctx.services.metricSources.push(attached.metrics)
  return attached
}

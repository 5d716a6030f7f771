import { LIFECYCLE_ENTITY_TYPES } from '../../shared/neurorail'
import { notFound } from '../errors'
import { z } from 'zod'
import { route, type RouteDef } from '../http/route'
import { Reply } from '../http/router'
import { LATENCY_BUCKETS_MS } from '../metrics/http-metrics'
import { PromText } from '../metrics/prometheus'
import type { EngineServices } from '../services'
import { ENGINE_VERSION } from '../version'

/** Upper bounds (ms) of the entity duration histograms. */
const DURATION_BUCKETS_MS = [10, 50, 100, 500, 1000, 5000, 10_000, 30_000, 60_000, 300_000] as const

const ACTIVE = {
  mission: ['planning', 'planned', 'executing'],
  job: ['running'],
  attempt: ['running']
} as const

/** `GET /capabilities`, `GET /metrics` (Prometheus) and the execution status route. */
export function systemRoutes(s: EngineServices): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/capabilities',
      permission: null,
      handler: () => ({
        engine: 'controldeck',
        version: ENGINE_VERSION,
        features: [...s.features],
        stream_epoch: s.events.identity.epoch
      })
    }),
    // The real backend's placeholder answers "not_implemented"; ours reports the attempt's state.
    route({
      method: 'GET',
      path: '/execution/status/:attempt_id',
      permission: 'read:lifecycle',
      params: z.object({ attempt_id: z.string() }),
      handler: ({ params }) => {
        const id = params.attempt_id
        if (!s.identity.exists('attempt', id)) throw notFound(`Attempt ${id} not found`)
        const state = s.lifecycle.currentState(id)
        const message = state ? `Attempt is ${state}` : 'Attempt has no lifecycle state yet'
        return { attempt_id: id, status: state ?? 'unknown', message }
      }
    }),
    route({
      method: 'GET',
      path: '/metrics',
      permission: 'read:metrics',
      handler: async () =>
        new Reply(200, await renderMetrics(s), {}, 'text/plain; version=0.0.4; charset=utf-8')
    })
  ]
}

/**
 * Renders the §8 metrics that apply to this engine, plus HTTP and stream counters, and the
 * process and event-loop metrics prom-client collects (`process_resident_memory_bytes` among them).
 */
export async function renderMetrics(s: EngineServices): Promise<string> {
  const p = new PromText()
  const stats = s.lifecycle.stats()
  for (const type of LIFECYCLE_ENTITY_TYPES) {
    const name = `neurorail_active_${type}s`
    const byState = stats.states[type]
    p.family(name, 'gauge', `${type}s in an active state`).sample(
      name,
      ACTIVE[type].reduce((sum, st) => sum + (byState[st] ?? 0), 0)
    )
  }
  p.family('neurorail_entities_by_state', 'gauge', 'Entities per current lifecycle state')
  for (const type of LIFECYCLE_ENTITY_TYPES) {
    for (const [state, n] of Object.entries(stats.states[type])) {
      p.sample('neurorail_entities_by_state', n, { entity_type: type, state })
    }
  }
  p.family(
    'neurorail_transitions_total',
    'counter',
    'Lifecycle transitions recorded, by from and to state'
  )
  for (const t of stats.transitions) {
    const labels = {
      entity_type: t.entity_type,
      from_state: t.from_state ?? '',
      to_state: t.to_state
    }
    p.sample('neurorail_transitions_total', t.count, labels)
  }
  const hist = s.telemetry.durationHistograms(DURATION_BUCKETS_MS)
  for (const type of LIFECYCLE_ENTITY_TYPES) {
    const name = `neurorail_${type}_duration_ms`
    const empty = { buckets: DURATION_BUCKETS_MS.map(() => 0), count: 0, sum: 0 }
    const h = hist.find((x) => x.entity_type === type) ?? empty
    p.family(name, 'histogram', `Duration of completed ${type}s (first start to end)`)
    p.histogram(name, DURATION_BUCKETS_MS, h.buckets, h.count, h.sum)
  }
  p.family(
    'neurorail_governor_decisions_total',
    'counter',
    'Governor decisions since engine start, by mode'
  )
  for (const [mode, n] of Object.entries(s.governor.decisionsByMode)) {
    p.sample('neurorail_governor_decisions_total', n, { mode })
  }
  p.family(
    'neurorail_audit_events_written_total',
    'counter',
    'Audit events written since engine start'
  ).sample('neurorail_audit_events_written_total', s.audit.writtenCount)
  const k = s.hub.counters()
  p.family('controldeck_stream_subscribers', 'gauge', 'Connected SSE subscribers')
  p.sample('controldeck_stream_subscribers', k.subscribers)
  p.family(
    'controldeck_stream_events_published_total',
    'counter',
    'Stream events published since start'
  ).sample('controldeck_stream_events_published_total', k.published)
  p.family(
    'controldeck_stream_events_delivered_total',
    'counter',
    'Stream frames written to subscribers'
  ).sample('controldeck_stream_events_delivered_total', k.delivered)
  p.family(
    'controldeck_stream_subscribers_dropped_total',
    'counter',
    'Subscribers dropped for being too slow'
  ).sample('controldeck_stream_subscribers_dropped_total', k.dropped)
  p.family('controldeck_http_requests_total', 'counter', 'HTTP requests by route and status')
  const routes = s.httpMetrics.snapshot()
  for (const r of routes) {
    for (const [status, n] of r.byStatus)
      p.sample('controldeck_http_requests_total', n, { route: r.route, status })
  }
  p.family('controldeck_http_request_duration_ms', 'histogram', 'HTTP request latency by route')
  for (const r of routes) {
    p.histogram(
      'controldeck_http_request_duration_ms',
      LATENCY_BUCKETS_MS,
      r.buckets,
      r.count,
      r.sum,
      { route: r.route }
    )
  }
  for (const add of s.metricSources) add(p)
  return p.render()
}

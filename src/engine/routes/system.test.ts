import { describe, expect, it } from 'vitest'
import { CapabilitiesSchema, ENGINE_FEATURES } from '../../shared/neurorail'
import { createChain, startTestEngine } from '../testing/harness'

describe('system routes', () => {
  it('lists capabilities and serves Prometheus metrics', async () => {
    const t = await startTestEngine({ tokens: [{ token: 'viewer-token-xyz', role: 'viewer' }] })
    try {
      const caps = CapabilitiesSchema.parse(
        (await t.api('GET', '/capabilities', undefined, { token: 'viewer-token-xyz' })).body
      )
      expect(caps.engine).toBe('controldeck')
      expect(caps.features).toEqual([...ENGINE_FEATURES])

      const c = await createChain(t)
      for (const a of ['create', 'start', 'complete'])
        await t.api('POST', `/lifecycle/attempt/${c.attemptId}/transition`, { transition: a })
      await t.api('POST', '/governor/decide', { job_type: 'llm_call' })
      const m = await t.api('GET', '/metrics')
      expect(m.status).toBe(200)
      expect(m.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
      const lines = m.text.split('\n')
      expect(lines).toContain('neurorail_attempt_duration_ms_count 1')
      expect(lines).toContain('neurorail_governor_decisions_total{mode="rail"} 1')
      expect(lines).toContain(
        'neurorail_transitions_total{entity_type="attempt",from_state="running",to_state="succeeded"} 1'
      )
      expect(lines).toContain('# TYPE neurorail_active_jobs gauge')
      expect(
        lines.some((l) =>
          l.startsWith(
            'controldeck_http_requests_total{route="POST /lifecycle/:entity_type/:id/transition",status="200"} 3'
          )
        )
      ).toBe(true)
      // Every sample line is "name{labels} number" (a metric name as Prometheus defines it: digits
      // after the first character, as in nodejs_eventloop_lag_p99_seconds).
      for (const l of lines.filter((x) => x && !x.startsWith('#'))) {
        expect(l).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[\d.e+-]+$/)
      }
      // The process and event-loop metrics operators expect, each family once.
      expect(lines).toContain('# TYPE process_resident_memory_bytes gauge')
      expect(lines).toContain('# TYPE nodejs_eventloop_lag_p99_seconds gauge')
      const families = lines.filter((l) => l.startsWith('# TYPE '))
      expect(new Set(families).size).toBe(families.length)

      const status = await t.api('GET', `/execution/status/${c.attemptId}`)
      expect(status.body).toMatchObject({ attempt_id: c.attemptId, status: 'succeeded' })
      expect((await t.api('GET', '/execution/status/a_000000000000')).status).toBe(404)
    } finally {
      await t.stop()
    }
  })
})

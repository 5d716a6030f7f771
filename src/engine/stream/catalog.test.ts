import { describe, expect, it } from 'vitest'
import {
  STREAM_EVENTS,
  readStreamEvent,
  streamFact,
  type CatalogChannel,
  type CatalogEventType,
  type StreamEventDataIn
} from '../../shared/neurorail/events'
import { lifecycle } from '../governance/testing'
import { type TestEngine } from '../testing/harness'
import { eachTestEngine } from '../testing/suite'
import { SseReader } from '../testing/sse'

type Samples = { [C in CatalogChannel]: { [T in CatalogEventType<C>]: StreamEventDataIn<C, T> } }

const violation = {
  violation_id: 'vio_1',
  violation_type: 'parallelism',
  code: 'NR-E102',
  severity: 'warning',
  message: 'Parallelism limit reached',
  mission_id: 'm_1',
  job_id: 'j_1',
  attempt_id: 'a_1',
  job_type: 'llm_call',
  action_taken: 'refused',
  details: { limit: 1, current: 1 }
} as const

/** One event per catalog entry, as the engine publishes it: a missing entry fails the compiler. */
const SAMPLES: Samples = {
  lifecycle: {
    state_transition: {
      machine: 'reflex',
      entity_type: 'job',
      entity_id: 'j_1',
      job_id: 'j_1',
      from_state: 'running',
      to_state: 'suspended',
      cooldown_until: 1_800_000_060,
      reason: 'NR-E141',
      timestamp: 1_800_000_000
    }
  },
  reflex: {
    circuit_state_changed: {
      circuit_id: 'tool:x',
      from_state: 'closed',
      to_state: 'open',
      failure_count: 5,
      success_count: 0,
      reason: 'failure_threshold',
      timestamp: 1_800_000_000
    },
    trigger_activated: {
      trigger_id: 'trigger:x',
      reason: 'error_rate',
      error_rate: 1,
      sample_count: 5,
      budget_violations: 0,
      activation_count: 1,
      job_id: 'j_1',
      code: 'NR-E141',
      message: 'Trigger fired'
    },
    reflex_action_executed: {
      action_id: 1,
      job_id: 'j_1',
      action_type: 'suspend',
      reason: 'NR-E141',
      success: true,
      trigger_id: 'trigger:x',
      actor: 'reflex',
      details: { cooldown_seconds: 60 }
    }
  },
  enforcement: {
    retry_attempted: {
      job_id: 'j_1',
      mission_id: 'm_1',
      success: true,
      retry_number: 1,
      max_retries: 3,
      backoff_ms: 1000
    },
    cost_tracked: {
      job_id: 'j_1',
      attempt_id: 'a_1',
      mission_id: 'm_1',
      llm_tokens: 10,
      cost: 0.1,
      total_llm_tokens: 10,
      total_cost: 0.1,
      max_llm_tokens: null,
      max_cost_credits: 5
    },
    budget_violation: violation,
    timeout_enforced: {
      ...violation,
      violation_type: 'timeout',
      code: 'NR-E100',
      grace_period_invoked: false
    },
    parallelism_rejected: violation
  },
  governor: {
    mode_decided: {
      decision_id: 'dec_1',
      timestamp: '2027-01-15T08:00:00.000Z',
      mode: 'rail',
      reason: 'rule_0',
      mission_id: null,
      job_id: null,
      job_type: 'llm_call',
      matched_rules: ['rule_0'],
      evidence: {},
      shadow_mode: false
    },
    manifest_installed: {
      slot: 'active',
      name: 'm',
      version: '1',
      rule_count: 2,
      timestamp: '2027-01-15T08:00:00.000Z'
    },
    manifest_cleared: { slot: 'shadow', timestamp: '2027-01-15T08:00:00.000Z' },
    shadow_disagreement: {
      id: 1,
      source: 'decide',
      decision_id: 'dec_1',
      job_id: null,
      job_type: 'llm_call',
      fields: ['mode'],
      active_mode: 'rail',
      shadow_mode: 'direct',
      active_rule: 'r1',
      shadow_rule: null
    }
  },
  signals: {
    anomaly_signal: {
      signal_id: 1,
      signal_type: 'anomaly',
      job_type: 'llm_call',
      entity_id: 'a_1',
      attempt_id: 'a_1',
      metric: 'latency_ms',
      detector: 'ewma',
      value: 812,
      score: 4.2,
      baseline: 120,
      hint: 'slow'
    }
  }
}

/** Opens a replay of the whole log and waits until `until` holds for what has arrived. */
async function readAll(
  t: TestEngine,
  until: (events: Array<Record<string, unknown>>) => boolean
): Promise<Array<Record<string, unknown>>> {
  const q = new URLSearchParams({ lastEventId: '0', access_token: t.engine.adminToken })
  const sse = await new SseReader().open(`${t.engine.baseUrl}/stream/events?${q.toString()}`)
  try {
    const events = (): Array<Record<string, unknown>> =>
      sse.frames.map((f) => JSON.parse(f.data) as Record<string, unknown>)
    await sse.waitFor(() => until(events()), 5000, 'events')
    return events()
  } finally {
    sse.close()
  }
}

describe('the stream event catalog', () => {
  const t = eachTestEngine()

  it('every catalogued event, published by the engine and read over SSE, parses back to its data', async () => {
    const entries = Object.entries(SAMPLES).flatMap(([channel, types]) =>
      Object.entries(types as Record<string, Record<string, unknown>>).map(([type, data]) => ({
        channel,
        type,
        data
      }))
    )
    expect(entries.length).toBe(
      Object.values(STREAM_EVENTS).reduce((n, types) => n + Object.keys(types).length, 0)
    )
    const events = t.engine.services.events
    t.engine.services.store.transaction(() => {
      for (const e of entries)
        events.publish(e.channel as 'reflex', e.type as 'trigger_activated', e.data as never)
    })
    const wire = await readAll(t, (got) => got.length >= entries.length)
    for (const e of entries) {
      const raw = wire.find((w) => w.channel === e.channel && w.event_type === e.type)
      const read = readStreamEvent(raw)
      expect(read.ok, `${e.channel}/${e.type}`).toBe(true)
      if (!read.ok) continue
      const fact = streamFact(read.event)
      // The whole data survives the parse: nothing published is missing from the catalog.
      expect(fact, `${e.channel}/${e.type}`).toEqual({
        channel: e.channel,
        event_type: e.type,
        data: e.data
      })
    }
  })

  it('the audit copy of a reflex event carries the same fact as the event itself', async () => {
    const l = lifecycle(t)
    const { jobId } = await l.runningJob('tool_execution')
    await l.failAttempts(jobId, 5, { error_code: 'NR-E004' })
    const audited = ['circuit_state_changed', 'trigger_activated', 'reflex_action_executed']
    const wire = await readAll(t, (got) =>
      audited.every((type) => got.filter((w) => w.event_type === type).length >= 2)
    )
    for (const type of audited) {
      const copies = wire.filter((w) => w.event_type === type).map((w) => readStreamEvent(w))
      const facts = copies.map((r) => (r.ok ? streamFact(r.event) : null))
      expect(
        facts.map((f) => f?.event_type),
        type
      ).toEqual([type, type])
      expect(facts[0]?.data, type).toEqual(facts[1]?.data)
    }
    // Everything the engine published on the way (lifecycle transitions included) matches the catalog.
    for (const w of wire.filter((e) => e.channel !== 'audit')) {
      const read = readStreamEvent(w)
      expect(
        read.ok && streamFact(read.event),
        `${String(w.channel)}/${String(w.event_type)}`
      ).toBeTruthy()
    }
  })
})

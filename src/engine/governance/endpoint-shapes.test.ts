import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  CircuitListSchema,
  CircuitResetSchema,
  ReflexActionPageSchema,
  ReflexJobListSchema,
  TriggerListSchema,
  type CircuitSnapshot as SharedCircuit,
  type ReflexActionRecord as SharedAction,
  type TriggerSnapshot as SharedTrigger
} from '../../shared/neurorail/governance'
import { eachTestEngine } from '../testing/suite'
import type { CircuitSnapshot } from './reflex/circuit-breaker'
import type { ReflexActionRecord } from './reflex/reflex-service'
import type { TriggerSnapshot } from './reflex/trigger'
import { lifecycle } from './testing'

describe('governance endpoints answer the shared shapes', () => {
  const t = eachTestEngine()

  it("the engine's own types fit the shared shapes (a drift fails tsc)", () => {
    expectTypeOf<CircuitSnapshot>().toExtend<SharedCircuit>()
    expectTypeOf<ReflexActionRecord>().toExtend<SharedAction>()
    expectTypeOf<TriggerSnapshot>().toExtend<SharedTrigger>()
  })

  it('circuits, triggers, held jobs, actions and a reset parse with the schemas the console uses', async () => {
    const l = lifecycle(t)
    const { jobId } = await l.runningJob('tool_execution')
    await l.failAttempts(jobId, 5, { error_code: 'NR-E004' })
    const circuits = CircuitListSchema.parse((await t.api('GET', '/reflex/circuits')).body)
    expect(circuits.circuits.map((c) => c.state)).toContain('open')
    expect(
      TriggerListSchema.parse((await t.api('GET', '/reflex/triggers')).body).triggers.length
    ).toBeGreaterThan(0)
    expect(
      ReflexJobListSchema.parse((await t.api('GET', '/reflex/jobs')).body).jobs.map((j) => j.job_id)
    ).toContain(jobId)
    expect(
      ReflexActionPageSchema.parse((await t.api('GET', '/reflex/actions')).body).items[0]
    ).toMatchObject({ action_type: 'suspend' })
    const id = encodeURIComponent(circuits.circuits[0]!.circuit_id)
    expect(
      CircuitResetSchema.parse((await t.api('POST', `/reflex/circuits/${id}/reset`, {})).body)
        .circuit.state
    ).toBe('closed')
  })
})

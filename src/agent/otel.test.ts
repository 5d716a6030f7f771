import { describe, expect, it } from 'vitest'
import { AgentTracing, type OtelApi, type OtelSpan } from './otel'

/** A span that records nothing: the tests look at what the SDK does around it. */
const span: OtelSpan = {
  setAttribute: () => undefined,
  setAttributes: () => undefined,
  addEvent: () => undefined,
  setStatus: () => undefined,
  recordException: () => undefined,
  end: () => undefined
}

/** An OpenTelemetry API whose context manager calls `around` instead of running `fn` plainly. */
function apiWith(around: (fn: () => unknown) => unknown): OtelApi {
  return {
    trace: { getTracer: () => ({ startSpan: () => span }), setSpan: () => ({}) },
    context: {
      active: () => ({}),
      with: ((_ctx: unknown, fn: () => unknown) => around(fn)) as OtelApi['context']['with']
    }
  }
}

const throws = (what: string) => (): never => {
  throw new Error(`${what} is broken`)
}

describe('AgentTracing: telemetry never changes a job', () => {
  it('has no spans, and throws nothing, when getTracer throws', () => {
    const tracing = new AgentTracing({
      api: {
        ...apiWith((fn) => fn()),
        trace: { getTracer: throws('getTracer'), setSpan: throws('setSpan') }
      }
    })
    expect(tracing.mission('m_1', { agent: 'a' })).toBeNull()
    expect(tracing.job(null, 'llm_call', undefined, undefined)).toBeNull()
  })

  // How the agent's context manager fails around the job, and what the job must still see.
  const CONTEXTS: Array<[string, (fn: () => unknown) => unknown]> = [
    ['throws before running it', throws('with')],
    [
      'throws after running it',
      (fn) => {
        fn()
        throw new Error('with is broken')
      }
    ],
    ['never runs it', () => undefined],
    ['runs it normally', (fn) => fn()]
  ]

  it.each(CONTEXTS)('runs the job once when the context manager %s', (_how, around) => {
    const tracing = new AgentTracing({ api: apiWith(around) })
    const held = tracing.job(null, 'llm_call', undefined, undefined)
    expect(held).not.toBeNull()
    let runs = 0
    expect(tracing.run(held, () => ++runs && 'value')).toBe('value')
    expect(runs).toBe(1)
    // The job's own failure is the job's, unchanged.
    const failure = new Error('the job failed')
    expect(() =>
      tracing.run(held, () => {
        throw failure
      })
    ).toThrow(failure)
  })
})

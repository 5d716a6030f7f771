import { describe, expect, it } from 'vitest'
import { eachTestEngine } from '../testing/suite'
import { lifecycle, replayUntil } from './testing'

/** Anomaly signals over real HTTP: a clean record, then failures, raise an error-rate signal. */
describe('signals over HTTP', () => {
  const t = eachTestEngine()

  it('turns a rise of the error rate into an anomaly signal with a hint', async () => {
    const l = lifecycle(t)
    const { jobId } = await l.runningJob('summarise', { budget: { max_parallel_attempts: 2 } })
    const run = async (n: number, end: 'complete' | 'fail') => {
      const a = await l.attempt(jobId, n)
      await l.go('attempt', a, 'start')
      await l.go('attempt', a, end)
    }
    for (let i = 1; i <= 15; i++) await run(i, 'complete')
    expect(
      (await t.api('GET', '/signals')).body.signals.filter(
        (s: { metric: string }) => s.metric === 'error_rate'
      )
    ).toEqual([])
    // 1/16 and 2/17 are within 3σ of a clean record; 3/18 (17 %) is not.
    for (let i = 16; i <= 18; i++) await run(i, 'fail')
    const signals = (await t.api('GET', '/signals?limit=10')).body.signals.filter(
      (s: { metric: string }) => s.metric === 'error_rate'
    )
    expect(signals).toHaveLength(1)
    expect(signals[0]).toMatchObject({
      signal_type: 'anomaly',
      job_type: 'summarise',
      detector: 'zscore'
    })
    expect(signals[0].value).toBeCloseTo(3 / 18)
    expect(signals[0].score).toBeGreaterThanOrEqual(3)
    expect(signals[0].hint).toMatch(/^summarise error rate rose to 17%/)
    const events = await replayUntil(
      t,
      ['signals'],
      (e) => e.event_type === 'anomaly_signal' && e.data.metric === 'error_rate',
      'signal'
    )
    const e = events.find((x) => x.data.metric === 'error_rate')
    expect(e?.data).toMatchObject({
      job_type: 'summarise',
      metric: 'error_rate',
      detector: 'zscore',
      hint: signals[0].hint
    })
    expect(e?.data.attempt_id).toMatch(/^a_/)
    expect((await t.api('GET', '/signals?limit=0')).status).toBe(422)
  })
})

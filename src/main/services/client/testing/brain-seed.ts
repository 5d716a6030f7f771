import { StaticTokenAuth } from '../auth'
import { BackendClient } from '../backend-client'
import type { FakeBrain } from './fake-brain'

/** The ids of one run seeded on a fake BRAiN. */
export interface SeededBrainRun {
  missionId: string
  planId: string
  jobId: string
  /** The failed first attempt and the second one (succeeded unless `failed`). */
  attemptIds: [string, string]
}

/**
 * Seeds one run on a fake BRAiN as its ExecutionService leaves it (tests and e2e only): identities
 * through its identity routes (Bearer `token`), lifecycle transitions, and the audit rows BRAiN
 * writes — execution_start and execution_success at info, and the first attempt's
 * execution_failure WITHOUT a level (BRAiN's nullable severity). Rows keep empty `details` so
 * the fake's audit query answers (non-empty details trip BRAiN's read bug).
 */
export async function seedBrainRun(
  brain: FakeBrain,
  token: string,
  options: { jobType?: string; failed?: boolean } = {}
): Promise<SeededBrainRun> {
  const client = new BackendClient(brain.url, new StaticTokenAuth(token), { retries: 0 })
  const mission = await client.createMission({ tags: { team: 'ops' } })
  const plan = await client.createPlan({
    mission_id: mission.mission_id,
    plan_type: 'sequential',
    metadata: {}
  })
  const job = await client.createJob({
    plan_id: plan.plan_id,
    job_type: options.jobType ?? 'llm_call',
    dependencies: [],
    metadata: {}
  })
  const first = await client.createAttempt({ job_id: job.job_id, attempt_number: 1, metadata: {} })
  const second = await client.createAttempt({ job_id: job.job_id, attempt_number: 2, metadata: {} })
  for (const action of ['create', 'start', 'plan_ready', 'execute'] as const)
    await client.transition('mission', mission.mission_id, action)
  for (const action of ['create', 'dependencies_met', 'start'] as const)
    await client.transition('job', job.job_id, action)
  const ids = { mission_id: mission.mission_id, plan_id: plan.plan_id, job_id: job.job_id }
  const audit = (attempt: string, fields: Record<string, unknown>) =>
    brain.addAudit({ ...ids, attempt_id: attempt, event_category: 'execution', ...fields })

  await client.transition('attempt', first.attempt_id, 'create')
  await client.transition('attempt', first.attempt_id, 'start')
  audit(first.attempt_id, {
    event_type: 'execution_start',
    severity: 'info',
    message: 'Execution started'
  })
  await client.transition('attempt', first.attempt_id, 'fail')
  audit(first.attempt_id, {
    event_type: 'execution_failure',
    severity: null,
    message: 'Execution failed: upstream timed out'
  })

  await client.transition('attempt', second.attempt_id, 'create')
  await client.transition('attempt', second.attempt_id, 'start')
  audit(second.attempt_id, {
    event_type: 'execution_start',
    severity: 'info',
    message: 'Execution started'
  })
  const failed = options.failed === true
  await client.transition('attempt', second.attempt_id, failed ? 'fail' : 'complete')
  audit(
    second.attempt_id,
    failed
      ? {
          event_type: 'execution_failure',
          severity: 'error',
          message: 'Execution failed: bad response'
        }
      : { event_type: 'execution_success', severity: 'info', message: 'Execution succeeded' }
  )
  await client.transition('job', job.job_id, failed ? 'fail' : 'complete')
  await client.transition('mission', mission.mission_id, failed ? 'fail' : 'complete')
  return {
    missionId: mission.mission_id,
    planId: plan.plan_id,
    jobId: job.job_id,
    attemptIds: [first.attempt_id, second.attempt_id]
  }
}

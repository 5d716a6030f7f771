import type { LifecycleEntityType, TransitionAction } from '../../../../shared/neurorail'
import { StaticTokenAuth } from '../auth'
import { BackendClient } from '../backend-client'
import type { FakeBrain } from './fake-brain'

/** The ids of one seeded mission → plan → job chain and the job's attempts. */
export interface SeededChain {
  mission: string
  plan: string
  job: string
  /** The job's first attempt. */
  attempt: string
  /** Every attempt of the job, by attempt number. */
  attempts: string[]
}

/** One job of a seeded plan: its type and metadata, and how many attempts it gets. */
export interface JobSeed {
  /** `llm_call` unless given. */
  jobType?: string
  metadata?: Record<string, unknown>
  /** 1 unless given (at least 1). */
  attempts?: number
}

/** A chain to seed: the mission's tags, its one job, and the transitions to apply afterwards. */
export interface ChainSeed extends JobSeed {
  /** None unless given. */
  tags?: Record<string, string>
  /** Applied in this order once every record exists: the mission's, the job's, then the first attempt's. */
  transitions?: Partial<Record<LifecycleEntityType, readonly TransitionAction[]>>
}

/** Creates a job under `planId` and its attempts, numbered from 1 (tests and e2e only). */
export async function seedJob(
  client: BackendClient,
  planId: string,
  seed: JobSeed = {}
): Promise<Pick<SeededChain, 'job' | 'attempt' | 'attempts'>> {
  const job = await client.createJob({
    plan_id: planId,
    job_type: seed.jobType ?? 'llm_call',
    dependencies: [],
    metadata: seed.metadata ?? {}
  })
  const create = async (n: number) =>
    (await client.createAttempt({ job_id: job.job_id, attempt_number: n, metadata: {} })).attempt_id
  const attempt = await create(1)
  const attempts = [attempt]
  for (let n = 2; n <= (seed.attempts ?? 1); n++) attempts.push(await create(n))
  return { job: job.job_id, attempt, attempts }
}

/**
 * Seeds one mission with one sequential plan and one job with its attempts through the NeuroRail
 * API `client` speaks (the embedded engine or a fake BRAiN; tests and e2e only), then applies
 * `seed.transitions`.
 */
export async function seedChain(client: BackendClient, seed: ChainSeed = {}): Promise<SeededChain> {
  const mission = await client.createMission({ tags: seed.tags ?? {} })
  const plan = await client.createPlan({
    mission_id: mission.mission_id,
    plan_type: 'sequential',
    metadata: {}
  })
  const chain: SeededChain = {
    mission: mission.mission_id,
    plan: plan.plan_id,
    ...(await seedJob(client, plan.plan_id, seed))
  }
  for (const type of ['mission', 'job', 'attempt'] as const)
    for (const action of seed.transitions?.[type] ?? [])
      await client.transition(type, chain[type], action)
  return chain
}

/** The ids of one run seeded on a fake BRAiN. */
export interface SeededBrainRun {
  missionId: string
  planId: string
  jobId: string
  /** The failed first attempt and the second one (succeeded unless `failed`). */
  attemptIds: [string, string]
}

/** What one attempt of a seeded BRAiN run does: its last transition and the audit row it leaves. */
interface AttemptOutcome {
  action: 'fail' | 'complete'
  audit: { event_type: string; severity: string | null; message: string }
}

const FAILED_FIRST: AttemptOutcome = {
  action: 'fail',
  audit: {
    event_type: 'execution_failure',
    severity: null,
    message: 'Execution failed: upstream timed out'
  }
}
const FAILED: AttemptOutcome = {
  action: 'fail',
  audit: {
    event_type: 'execution_failure',
    severity: 'error',
    message: 'Execution failed: bad response'
  }
}
const SUCCEEDED: AttemptOutcome = {
  action: 'complete',
  audit: { event_type: 'execution_success', severity: 'info', message: 'Execution succeeded' }
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
  const chain = await seedChain(client, {
    tags: { team: 'ops' },
    jobType: options.jobType,
    attempts: 2,
    transitions: {
      mission: ['create', 'start', 'plan_ready', 'execute'],
      job: ['create', 'dependencies_met', 'start']
    }
  })
  const first = chain.attempt
  const second = chain.attempts[1]
  if (second === undefined) throw new Error('seedChain made fewer attempts than asked')
  const failed = options.failed === true
  const outcomes: Array<[string, AttemptOutcome]> = [
    [first, FAILED_FIRST],
    [second, failed ? FAILED : SUCCEEDED]
  ]
  for (const [attempt, outcome] of outcomes) {
    const audit = (fields: AttemptOutcome['audit']) =>
      brain.addAudit({
        mission_id: chain.mission,
        plan_id: chain.plan,
        job_id: chain.job,
        attempt_id: attempt,
        event_category: 'execution',
        ...fields
      })
    await client.transition('attempt', attempt, 'create')
    await client.transition('attempt', attempt, 'start')
    audit({ event_type: 'execution_start', severity: 'info', message: 'Execution started' })
    await client.transition('attempt', attempt, outcome.action)
    audit(outcome.audit)
  }
  await client.transition('job', chain.job, failed ? 'fail' : 'complete')
  await client.transition('mission', chain.mission, failed ? 'fail' : 'complete')
  return {
    missionId: chain.mission,
    planId: chain.plan,
    jobId: chain.job,
    attemptIds: [first, second]
  }
}

/**
 * The scenario a failures list is tested on (tests and e2e only): a run that recovered after a
 * level-less failure (`ok`), a failed tool_execution run (`bad`), and noise the list must leave
 * out — a success of `ok` mislabelled as an error.
 */
export async function seedBrainFailures(
  brain: FakeBrain,
  token: string
): Promise<{ ok: SeededBrainRun; bad: SeededBrainRun }> {
  const ok = await seedBrainRun(brain, token)
  const bad = await seedBrainRun(brain, token, { failed: true, jobType: 'tool_execution' })
  brain.addAudit({
    mission_id: ok.missionId,
    job_id: ok.jobId,
    event_type: 'execution_success',
    severity: 'error',
    message: 'mislabelled success'
  })
  return { ok, bad }
}

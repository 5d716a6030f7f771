/**
 * One chain of identity records (mission → plan → job → attempt → resource) shaped as the backend
 * sends them, for tests and sample data: ids `<prefix>_<suffix>`, every `created_at` is `at`.
 * Not re-exported by `index.ts`: import it by path.
 */
export function sampleRecordChain(at: string, suffix: string, tags: Record<string, string> = {}) {
  const mission = {
    mission_id: `m_${suffix}`,
    created_at: at,
    parent_mission_id: null,
    tags
  }
  const plan = {
    plan_id: `p_${suffix}`,
    mission_id: mission.mission_id,
    created_at: at,
    plan_type: 'sequential',
    metadata: {}
  }
  const job = {
    job_id: `j_${suffix}`,
    plan_id: plan.plan_id,
    created_at: at,
    job_type: 'llm_call',
    dependencies: [] as string[],
    metadata: {}
  }
  const attempt = {
    attempt_id: `a_${suffix}`,
    job_id: job.job_id,
    attempt_number: 1,
    created_at: at,
    metadata: {}
  }
  const resource = {
    resource_uuid: `r_${suffix}`,
    attempt_id: attempt.attempt_id,
    resource_type: 'llm_token',
    created_at: at,
    metadata: {}
  }
  return { mission, plan, job, attempt, resource }
}

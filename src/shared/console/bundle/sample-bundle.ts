import type { z } from 'zod'
import { sampleRecordChain } from '../../neurorail/sample-records'
import type { IncidentBundleSchema } from './schema'

/**
 * A small valid incident bundle (one mission, one plan, one job, one attempt) for tests that need
 * one as input. `extra` replaces top-level fields.
 */
export function sampleIncidentBundle(
  extra: Partial<z.input<typeof IncidentBundleSchema>> = {}
): z.input<typeof IncidentBundleSchema> {
  const at = '2026-01-01T00:00:00.000Z'
  const { mission, plan, job, attempt } = sampleRecordChain(at, '00000000000a', { team: 'search' })
  const node = (
    entityType: string,
    entityId: string,
    record: object,
    state: string | null,
    children: unknown[]
  ) => ({
    entityType,
    entityId,
    record,
    state,
    children,
    childCount: children.length,
    nextCursor: null
  })
  return {
    format: 'controldeck-incident-bundle',
    version: 1,
    createdAt: at,
    appVersion: '0.0.0',
    environment: { name: 'Sample', kind: 'embedded', engine: 'controldeck', version: '0.0.0' },
    missionId: mission.mission_id,
    trace: {
      chain: { mission, plan: null, job: null, attempt: null, resource: null },
      root: node('mission', mission.mission_id, mission, 'completed', [
        node('plan', plan.plan_id, plan, null, [
          node('job', job.job_id, job, 'succeeded', [
            node('attempt', attempt.attempt_id, attempt, 'succeeded', [])
          ])
        ])
      ]) as never
    },
    history: [],
    metrics: [],
    audit: [],
    decisions: [],
    violations: [],
    reflexActions: [],
    redaction: { secrets: 0, tagKeys: [], detailKeys: [], removed: 0 },
    ...extra
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ListEntitiesResult, RecentFailuresResult } from '../../../shared/console/domains/data'
import { seedBrainFailures, seedBrainRun, type SeededBrainRun } from '../client/testing/brain-seed'
import { startFakeBrain, type FakeBrain } from '../client/testing/fake-brain'
import { withoutKeychain } from '../testing/no-keychain'
import { startLocalConsole, type LocalConsole } from '../testing/temp-engine'
import { openTokenEnvironment } from '../testing/token-environment'
import { eventually } from '../testing/wait'

const TOKEN = 'brain-token'

describe('lists and recent failures on a BRAiN without list routes (fake BRAiN on 127.0.0.1)', () => {
  let local: LocalConsole
  let brain: FakeBrain
  let ok: SeededBrainRun
  let bad: SeededBrainRun
  let third: SeededBrainRun
  const traces = () => brain.requests.filter((r) => r.includes('/identity/trace/')).length

  beforeAll(async () => {
    withoutKeychain()
    local = await startLocalConsole('cd-brain-discovery-', { engine: { rateLimit: false } })
    brain = await startFakeBrain({ staticToken: TOKEN })
    ;({ ok, bad } = await seedBrainFailures(brain, TOKEN))
    // More noise the failures list must leave out: a level-less start.
    brain.addAudit({
      mission_id: ok.missionId,
      job_id: ok.jobId,
      event_type: 'execution_start',
      severity: null,
      message: 'level-less start'
    })
    await openTokenEnvironment(local.service, { name: 'Brain', baseUrl: brain.url }, TOKEN)
  })

  afterAll(async () => {
    await local?.close()
    await brain?.close()
  })

  it('fills the lists from the audit history and says so', async () => {
    const missions = await local.call<ListEntitiesResult>('listMissions', {})
    expect(missions.source).toBe('cache')
    expect(missions.origin).toMatchObject({
      kind: 'audit_history',
      entities: 2,
      eventsScanned: 10,
      complete: true,
      note: null
    })
    expect(missions.items.map((m) => [m.entityId, m.state]).sort()).toEqual(
      [
        [ok.missionId, 'completed'],
        [bad.missionId, 'failed']
      ].sort()
    )
    // One trace chain per unknown leaf brought every level above it: plans are cached too.
    const jobs = await local.call<ListEntitiesResult>('listJobs', {})
    expect(jobs.items.map((j) => [j.entityId, j.state]).sort()).toEqual(
      [
        [ok.jobId, 'succeeded'],
        [bad.jobId, 'failed_mechanical']
      ].sort()
    )
    expect(jobs.origin).toMatchObject({ kind: 'audit_history', entities: 2 })
    const attempts = await local.call<ListEntitiesResult>('listAttempts', {})
    expect(new Set(attempts.items.map((a) => a.entityId))).toEqual(
      new Set([...ok.attemptIds, ...bad.attemptIds])
    )
    expect(attempts.items.find((a) => a.entityId === ok.attemptIds[1])?.state).toBe('succeeded')
    expect(attempts.items.find((a) => a.entityId === ok.attemptIds[0])?.state).toBe('failed_error')
    const filtered = await local.call<ListEntitiesResult>('listJobs', { jobType: 'tool_execution' })
    expect(filtered.items.map((j) => j.entityId)).toEqual([bad.jobId])
  })

  it('reads only what is new on the next pass (no rescan, no second trace of known entities)', async () => {
    const tracesBefore = traces()
    third = await seedBrainRun(brain, TOKEN, { jobType: 'policy_check' })
    // Passes are at most one per few seconds: wait on the list, not on a clock.
    const missions = await eventually(
      () => local.call<ListEntitiesResult>('listMissions', {}),
      (m) => m.items.some((i) => i.entityId === third.missionId),
      15_000
    )
    expect(missions.origin).toMatchObject({
      kind: 'audit_history',
      entities: 3,
      eventsScanned: 14,
      complete: true
    })
    // Only the new run's two attempts needed their chains; the first runs' were cached.
    expect(traces() - tracesBefore).toBe(2)
  }, 20_000)

  it('shows only failures as recent failures, level-less ones included', async () => {
    const recent = await local.call<RecentFailuresResult>('listRecentFailures', { limit: 8 })
    const summary = recent.events.map((e) => [e.attempt_id, e.event_type, e.severity])
    expect(summary.sort()).toEqual(
      [
        [ok.attemptIds[0], 'execution_failure', null],
        [bad.attemptIds[0], 'execution_failure', null],
        [bad.attemptIds[1], 'execution_failure', 'error'],
        [third.attemptIds[0], 'execution_failure', null]
      ].sort()
    )
    expect(recent.events.map((e) => e.message)).not.toContain('mislabelled success')
    expect(recent.note).toBeNull()
  })

  it('keeps listing from the cache with a sentence when BRAiN cannot return its audit history', async () => {
    // ExecutionService writes details; BRAiN's query then fails with its JSON bug.
    brain.addAudit({
      mission_id: ok.missionId,
      event_type: 'execution_start',
      details: { worker: 'w1' }
    })
    const missions = await eventually(
      () => local.call<ListEntitiesResult>('listMissions', {}),
      (m) => m.origin.note !== null,
      15_000
    )
    expect(missions.origin.note).toContain('cannot return its audit history (known BRAiN bug)')
    expect(missions.items).toHaveLength(3)
    expect(missions.origin).toMatchObject({ kind: 'audit_history', entities: 3, eventsScanned: 14 })
    // Recent failures answer from the cache, with the same sentence's reason.
    const recent = await local.call<RecentFailuresResult>('listRecentFailures', {})
    expect(recent.events).toHaveLength(4)
    expect(recent.note).toContain('known BRAiN bug')
  }, 20_000)

  it('reads a long history a bounded number of pages per pass, older pages on later passes', async () => {
    const long = await startFakeBrain({ staticToken: TOKEN })
    try {
      const run = await seedBrainRun(long, TOKEN)
      for (let i = 0; i < 1197; i++)
        long.addAudit({ mission_id: run.missionId, event_type: 'agent_note', message: `note ${i}` })
      await openTokenEnvironment(local.service, { name: 'Long history', baseUrl: long.url }, TOKEN)
      const first = await local.call<ListEntitiesResult>('listMissions', {})
      // 5 pages of 200: the newest 1,000 of 1,201 events, and the mission they name.
      expect(first.origin).toMatchObject({
        kind: 'audit_history',
        entities: 1,
        eventsScanned: 1000,
        complete: false
      })
      expect(first.items.map((m) => m.entityId)).toEqual([run.missionId])
      const later = await eventually(
        () => local.call<ListEntitiesResult>('listAttempts', {}),
        (a) => a.origin.complete,
        15_000
      )
      expect(later.origin).toMatchObject({ eventsScanned: 1201, complete: true })
      expect(new Set(later.items.map((a) => a.entityId))).toEqual(new Set(run.attemptIds))
    } finally {
      await long.close()
    }
  }, 30_000)
})

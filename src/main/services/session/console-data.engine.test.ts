import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleError } from '../testing/console-error'
import { StaticTokenAuth } from '../client/auth'
import { BackendClient } from '../client/backend-client'
import { isBackendError } from '../client/backend-error'
import { seedChain, type SeededChain } from '../client/testing/brain-seed'
import { startFakeBrain, type FakeBrain } from '../client/testing/fake-brain'
import { auditLogEntry } from '../testing/fixtures'
import { withoutKeychain } from '../testing/no-keychain'
import { startLocalConsole, type LocalConsole } from '../testing/temp-engine'
import { eventually } from '../testing/wait'

/** Polls `read` until `ok` holds, for at most 8 s. */
function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  return eventually(read, ok, 8_000)
}

describe('environments + data ConsoleApi on the embedded engine over HTTP', () => {
  let local: LocalConsole
  let ids: SeededChain
  const events: Array<[string, unknown]> = []

  beforeAll(async () => {
    // Deterministic credential storage: secrets stay in memory for the session.
    withoutKeychain()
    local = await startLocalConsole('cd-session-', { engine: { rateLimit: false } })
    local.service.subscribe((name, payload) => events.push([name, payload]))
    ids = await seedChain(local.admin, {
      tags: { team: 'ops' },
      transitions: { mission: ['create', 'start'], job: ['create'], attempt: ['create', 'start'] }
    })
    await local.admin.reportTelemetry({
      entity_id: ids.attempt,
      llm_tokens: 1500,
      cost_credits: 0.75
    })
  })

  afterAll(async () => {
    await local?.close()
  })

  it('lists the local engine as the active default and goes live over SSE', async () => {
    const list = await local.call<{
      environments: Array<{ id: string; kind: string; hasCredential: boolean }>
      activeId: string
    }>('listEnvironments')
    expect(list.activeId).toBe('local')
    expect(list.environments[0]).toMatchObject({
      id: 'local',
      kind: 'embedded',
      hasCredential: true,
      credentialStorage: 'session'
    })
    const state = await waitFor(
      () =>
        local.call<{ status: string; capabilities: { engine: string | null; features: string[] } }>(
          'getConnectionState'
        ),
      (s) => s.status === 'live'
    )
    expect(state.capabilities.engine).toBe('controldeck')
    expect(state.capabilities.features).toContain('children')
    expect(
      events.some(
        ([name, p]) => name === 'onConnectionState' && (p as { status: string }).status === 'live'
      )
    ).toBe(true)
  })

  it('feeds the live domain (subscribeEvents → onEvents) from the open session', async () => {
    const { subscriptionId } = await local.call<{ subscriptionId: string }>('subscribeEvents', {
      channels: ['lifecycle']
    })
    const mission = await local.admin.createMission()
    await local.admin.transition('mission', mission.mission_id, 'create')
    await waitFor(
      async () => events.filter(([name]) => name === 'onEvents'),
      (pushes) =>
        pushes.some(
          ([, p]) =>
            (p as { subscriptionId: string }).subscriptionId === subscriptionId &&
            JSON.stringify(p).includes(mission.mission_id)
        )
    )
    await local.call('unsubscribeEvents', { subscriptionId })
  })

  it('traces the upward chain and the downward tree with states', async () => {
    const trace = await local.call<{
      chain: Record<string, Record<string, unknown> | null>
      root: {
        entityId: string
        state: string
        childCount: number
        children: Array<{
          entityId: string
          children: Array<{
            entityId: string
            state: string
            children: Array<{ entityId: string; state: string }>
          }>
        }>
      }
      stale: unknown
    }>('getTrace', { entityId: ids.attempt })
    expect(trace.chain.mission?.mission_id).toBe(ids.mission)
    expect(trace.chain.attempt?.attempt_id).toBe(ids.attempt)
    expect(trace.stale).toBeNull()
    expect(trace.root).toMatchObject({ entityId: ids.mission, state: 'planning', childCount: 1 })
    const job = trace.root.children[0]?.children[0]
    expect(job).toMatchObject({ entityId: ids.job, state: 'pending' })
    expect(job?.children[0]).toMatchObject({ entityId: ids.attempt, state: 'running' })
  })

  it('reports an unknown id as not_found', async () => {
    const error = await consoleError(local.call('getTrace', { entityId: 'j_0123456789ab' }))
    expect(error).toMatchObject({
      code: 'not_found',
      message: 'No job with the id j_0123456789ab exists on "Local engine".'
    })
    expect(
      (await consoleError(local.call('getEntityDetails', { entityId: 'm_0123456789ab' }))).code
    ).toBe('not_found')
  })

  it('gives entity details, lists and stats from the backend', async () => {
    const details = await local.call<{
      state: string
      history: Array<{ to_state: string }>
      notes: string[]
    }>('getEntityDetails', { entityId: ids.attempt })
    expect(details.state).toBe('running')
    expect(details.history.map((h) => h.to_state)).toEqual(['created', 'running'])
    expect(details.notes).toEqual([])
    // An attempt's own audit rows come from its job's trail (the query has no attempt filter).
    const audit = (
      details as unknown as { audit: Array<{ attempt_id: string | null; message: string }> }
    ).audit
    expect(audit.length).toBeGreaterThan(0)
    expect(audit.every((e) => e.attempt_id === ids.attempt)).toBe(true)
    const missions = await local.call<{
      items: Array<{ entityId: string; state: string }>
      source: string
    }>('listMissions', {})
    expect(missions.source).toBe('backend')
    expect(missions.items).toContainEqual(
      expect.objectContaining({ entityId: ids.mission, state: 'planning' })
    )
    // The mission row carries its subtree's figures (engine extension list_rollups).
    const row = missions.items.find((i) => i.entityId === ids.mission) as unknown as {
      rollup: Record<string, unknown>
    }
    expect(row.rollup).toMatchObject({
      jobs: 1,
      attempts: 1,
      tokens: 1500,
      cost: 0.75,
      errors: 0,
      durationMs: null
    })
    // The trace view's roll-up is the same figure by the same function: the engine's mission,
    // plan and job metrics already include the attempt, and nothing is counted twice.
    const traced = await local.call<{ rollups: Record<string, unknown>; partial: boolean }>(
      'getTraceRollups',
      { entityId: ids.mission }
    )
    expect(traced.partial).toBe(false)
    expect(traced.rollups[ids.mission]).toEqual(row.rollup)
    expect(traced.rollups[ids.job]).toMatchObject({
      jobs: 1,
      attempts: 1,
      tokens: 1500,
      cost: 0.75
    })
    // The palette completes ids and job types from what the cache has seen.
    await local.call('listJobs', {})
    const suggested = await local.call<{
      entities: Array<{ entityId: string; hint: string }>
      jobTypes: string[]
    }>('suggest', { text: 'j_' })
    expect(suggested.entities).toContainEqual(
      expect.objectContaining({ entityId: ids.job, hint: 'llm_call' })
    )
    expect(
      (await local.call<{ entities: unknown[]; jobTypes: string[] }>('suggest', { text: 'LLM' }))
        .jobTypes
    ).toEqual(['llm_call'])
    const stats = await local.call<{ states: { mission: Record<string, number> }; source: string }>(
      'getLifecycleStats'
    )
    expect(stats).toMatchObject({ source: 'backend', states: { mission: { planning: 1 } } })
    const info = await local.call<{ stale: unknown; name: string }>('getGovernorInfo')
    expect(info.stale).toBeNull()
  })

  it('survives hostile audit payloads: markup, huge strings, deep nesting', async () => {
    await local.admin.logAudit(
      auditLogEntry({
        mission_id: ids.mission,
        event_type: 'execution_failure',
        severity: 'error',
        message: '<script>alert(1)</script>'
      })
    )
    const outcome = (send: Promise<unknown>) =>
      send.then(
        () => ({ status: 201, code: null }),
        (error: unknown) => {
          if (!isBackendError(error)) throw error
          return { status: error.status, code: error.code }
        }
      )
    const audit = {
      mission_id: ids.mission,
      event_type: 'huge',
      event_category: 'execution',
      severity: 'info'
    }
    // A 2 MB message is stored or refused as too large: either way an answer, not a crash.
    const huge = await outcome(
      local.admin.http.send({
        method: 'POST',
        path: '/audit/log',
        body: { ...audit, message: 'x'.repeat(2_000_000), details: {} }
      })
    )
    expect([201, 413, 422]).toContain(huge.status)
    // 5,000 levels of nesting, sent as raw JSON text (no serializer of ours would write it), are
    // refused with a client error (the body's depth is bounded), and the engine and the console
    // both keep answering.
    const deep = `${'{"d":'.repeat(5_000)}{}${'}'.repeat(5_000)}`
    const refused = await fetch(`${local.engine.baseUrl}/audit/log`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${local.engine.adminToken}`,
        'content-type': 'application/json'
      },
      body: `{"mission_id":"${ids.mission}","event_type":"deep","event_category":"execution","severity":"info","message":"deep","details":${deep}}`
    })
    const answer = await refused.text()
    expect(await local.admin.http.send({ method: 'GET', path: '/capabilities' })).toMatchObject({
      engine: 'controldeck'
    })
    const result = await local.call<{ events: Array<{ message: string }>; stale: unknown }>(
      'queryAudit',
      { missionId: ids.mission }
    )
    expect(result.stale).toBeNull()
    expect(result.events.map((e) => e.message)).toContain('<script>alert(1)</script>')
    expect(result.events.map((e) => e.message)).not.toContain('deep')
    const text = await local.call<{ events: Array<{ message: string }> }>('queryAudit', {
      missionId: ids.mission,
      text: 'script'
    })
    expect(text.events.length).toBeGreaterThan(0)
    // Refused as the client's error, in a sentence, not the input echoed back.
    expect(refused.status, answer.slice(0, 200)).toBeGreaterThanOrEqual(400)
    expect(refused.status, answer.slice(0, 200)).toBeLessThan(500)
    expect(answer.length).toBeLessThan(2_000)
  })

  it('refuses writes on a read-only environment, in one place, and allows them otherwise', async () => {
    const advance = { entityType: 'job', entityId: ids.job, transition: 'dependencies_met' }
    await local.call('updateEnvironment', { id: 'local', changes: { readOnly: true } })
    const refused = await consoleError(local.call('transitionEntity', advance))
    expect(refused.code).toBe('read_only')
    expect((await consoleError(local.call('governorDecide', { job_type: 'llm_call' }))).code).toBe(
      'read_only'
    )
    await local.call('updateEnvironment', { id: 'local', changes: { readOnly: false } })
    const event = await local.call<{ to_state: string }>('transitionEntity', advance)
    expect(event.to_state).toBe('ready')
    const decision = await local.call<{ mode: string }>('governorDecide', { job_type: 'llm_call' })
    expect(decision.mode).toBe('rail')
  })

  it('switches to a BRAiN-like environment with nothing leaking, and back', async () => {
    const brain: FakeBrain = await startFakeBrain({ staticToken: 'brain-token' })
    try {
      const view = await local.call<{ id: string }>('addEnvironment', {
        name: 'Brain staging',
        baseUrl: brain.url,
        authKind: 'bearer',
        color: 'amber'
      })
      // No keychain in this test process: the console says why, the token is kept for the
      // session, and the view says so.
      expect(await local.call('getKeychainStatus')).toMatchObject({
        available: false,
        reason: 'no_service',
        message: expect.stringContaining('no Secret Service answering')
      })
      expect(
        await local.call('setCredential', {
          environmentId: view.id,
          credential: { kind: 'token', token: 'brain-token' }
        })
      ).toEqual({
        hasCredential: true,
        storage: 'session'
      })
      const listed = await local.call<{ environments: Array<Record<string, unknown>> }>(
        'listEnvironments'
      )
      expect(JSON.stringify(listed)).not.toContain('brain-token')
      const state = await local.call<{
        environmentId: string
        status: string
        capabilities: { engine: string | null }
      }>('switchEnvironment', { id: view.id })
      expect(state.environmentId).toBe(view.id)
      expect(state.capabilities.engine).toBeNull()
      await waitFor(
        () => local.call<{ status: string }>('getConnectionState'),
        (s) => s.status === 'polling'
      )
      // The local engine's entities are not visible here: other backend, other cache file.
      expect((await consoleError(local.call('getTrace', { entityId: ids.attempt }))).code).toBe(
        'not_found'
      )
      const missions = await local.call<{ items: unknown[]; source: string }>('listMissions', {})
      expect(missions).toMatchObject({ source: 'cache', items: [] })
      // BRAiN's history bug: the details still load, with a sentence instead of a crash or a retry loop.
      const onBrain = new BackendClient(brain.url, new StaticTokenAuth('brain-token'))
      const m = await seedChain(onBrain)
      await onBrain.transition('mission', m.mission, 'create', { reason: 'test' })
      const before = brain.requests.filter((r) => r.endsWith('/history')).length
      const details = await local.call<{
        state: string
        history: unknown[]
        notes: string[]
        stale: unknown
      }>('getEntityDetails', { entityId: m.mission })
      expect(details).toMatchObject({ state: 'pending', history: [], stale: null })
      expect(details.notes).toContain(
        'The backend cannot return this history (known BRAiN bug); showing what ControlDeck has cached.'
      )
      expect(brain.requests.filter((r) => r.endsWith('/history')).length - before).toBe(1)
      // Its chain and (cache-built) tree: BRAiN cannot list children, so childCount is unknown.
      const trace = await local.call<{ root: { entityId: string; childCount: number | null } }>(
        'getTrace',
        { entityId: m.mission }
      )
      expect(trace.root).toMatchObject({ entityId: m.mission, childCount: null })
      // No list_rollups on BRAiN: a mission row's roll-up is computed from what the cache has seen.
      await local.call('getTrace', { entityId: m.attempt })
      const rolled = await local.call<{
        source: string
        items: Array<{ entityId: string; rollup: Record<string, unknown> | null }>
      }>('listMissions', {})
      expect(rolled.source).toBe('cache')
      expect(rolled.items.find((i) => i.entityId === m.mission)?.rollup).toMatchObject({
        jobs: 1,
        attempts: 1,
        tokens: 0
      })
      expect(existsSync(join(local.dir, 'data', 'cache', `${view.id}.db`))).toBe(true)
      await local.call('switchEnvironment', { id: 'local' })
      await local.call('removeEnvironment', { id: view.id })
      expect(existsSync(join(local.dir, 'data', 'cache', `${view.id}.db`))).toBe(false)
    } finally {
      await brain.close()
    }
  })

  it('drops a saved credential when the base URL moves to another host, keeps it for a path change', async () => {
    const view = await local.call<{ id: string }>('addEnvironment', {
      name: 'Moving',
      baseUrl: 'https://brain.example.com',
      authKind: 'bearer'
    })
    await local.call('setCredential', {
      environmentId: view.id,
      credential: { kind: 'token', token: 'moving-token' }
    })
    const credentialOf = async () =>
      (
        await local.call<{ environments: Array<{ id: string; hasCredential: boolean }> }>(
          'listEnvironments'
        )
      ).environments.find((e) => e.id === view.id)?.hasCredential
    await local.call('updateEnvironment', {
      id: view.id,
      changes: { baseUrl: 'https://brain.example.com/v2' }
    })
    expect(await credentialOf()).toBe(true)
    await local.call('updateEnvironment', {
      id: view.id,
      changes: { baseUrl: 'https://elsewhere.example.net' }
    })
    expect(await credentialOf()).toBe(false)
    await local.call('removeEnvironment', { id: view.id })
  })

  it('serves the cache with its age when the backend goes away', async () => {
    await local.call('getTrace', { entityId: ids.attempt })
    await local.engine.close()
    const trace = await local.call<{
      chain: Record<string, unknown>
      stale: { ageMs: number; fetchedAt: string } | null
    }>('getTrace', { entityId: ids.attempt })
    expect(trace.stale).not.toBeNull()
    expect(trace.stale?.ageMs).toBeGreaterThanOrEqual(0)
    const details = await local.call<{ state: string; stale: unknown }>('getEntityDetails', {
      entityId: ids.attempt
    })
    expect(details.state).toBe('running')
    expect(details.stale).not.toBeNull()
    const audit = await local.call<{ events: Array<{ message: string }>; note: string }>(
      'queryAudit',
      {
        missionId: ids.mission
      }
    )
    expect(audit.events.map((e) => e.message)).toContain('<script>alert(1)</script>')
    expect(audit.note).toContain('not reachable')
    // Offline, the list keeps the roll-ups the engine computed (cached in SQLite).
    const missions = await local.call<{
      source: string
      items: Array<{ entityId: string; rollup: { tokens: number } | null }>
    }>('listMissions', {})
    expect(missions.source).toBe('cache')
    expect(missions.items.find((i) => i.entityId === ids.mission)?.rollup?.tokens).toBe(1500)
    const never = await consoleError(local.call('getEntityMetrics', { entityId: 'j_fedcba987654' }))
    expect(never.code).toBe('backend_unavailable')
    expect(never.message).toMatch(/not reachable.*nothing cached/)
  })
})

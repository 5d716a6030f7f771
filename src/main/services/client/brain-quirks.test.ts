import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BrainLoginAuth, StaticTokenAuth } from './auth'
import { BackendClient, BASELINE_CAPABILITIES } from './backend-client'
import { isBackendError, type BackendError } from './backend-error'
import { seedChain } from './testing/brain-seed'
import { startFakeBrain, type FakeBrain } from './testing/fake-brain'

async function failure(promise: Promise<unknown>): Promise<BackendError> {
  try {
    await promise
  } catch (error) {
    if (isBackendError(error)) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

describe('BackendClient against a BRAiN-like backend with its quirks', () => {
  let brain: FakeBrain
  let client: BackendClient

  beforeAll(async () => {
    brain = await startFakeBrain({ rbac: true, staticToken: 'static-token' })
    client = new BackendClient(brain.url, new StaticTokenAuth('static-token'), { backoffMs: 5 })
  })
  afterAll(async () => {
    await brain.close()
  })

  it('treats a missing /capabilities as the BRAiN baseline', async () => {
    expect(await client.capabilities()).toEqual(BASELINE_CAPABILITIES)
    expect(client.has('lists')).toBe(false)
  })

  it('normalises naive datetimes to UTC with Z', async () => {
    const mission = await client.createMission({ tags: { team: 'ops' } })
    expect(mission.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    expect(mission.tags).toEqual({ team: 'ops' })
  })

  it('reports an unknown trace id as not_found although BRAiN answers 500', async () => {
    const error = await failure(client.getTrace('job', 'j_0123456789ab'))
    expect(error.code).toBe('not_found')
    expect(error.status).toBe(404)
    expect(error.message).toContain('j_0123456789ab not found')
  })

  it('walks the upward chain of a known entity', async () => {
    const ids = await seedChain(client)
    const trace = await client.getTrace('job', ids.job)
    expect(trace.trace_chain.mission?.mission_id).toBe(ids.mission)
    expect(trace.trace_chain.plan?.plan_id).toBe(ids.plan)
    expect(trace.trace_chain.job?.job_id).toBe(ids.job)
    expect(trace.trace_chain.attempt).toBeNull()
  })

  it('maps the history JSON-object bug to one readable backend_bug, without retrying it', async () => {
    const mission = await client.createMission()
    await client.transition('mission', mission.mission_id, 'create')
    expect((await client.getHistory('mission', mission.mission_id)).total_transitions).toBe(1)
    await client.transition('mission', mission.mission_id, 'start', { reason: 'go' })
    const before = brain.requests.length
    const error = await failure(client.getHistory('mission', mission.mission_id))
    expect(error.code).toBe('backend_bug')
    expect(error.message).toBe('The backend cannot return this history (known BRAiN bug)')
    expect(brain.requests.length - before).toBe(1)
    expect((await client.getState('mission', mission.mission_id))?.current_state).toBe('planning')
  })

  it('maps the audit query JSON-object bug the same way', async () => {
    brain.addAudit({ message: 'plain' })
    expect((await client.queryAudit({ limit: 10 })).total).toBe(1)
    brain.addAudit({ message: 'with details', details: { step: 1 } })
    expect((await failure(client.queryAudit({ limit: 10 }))).code).toBe('backend_bug')
  })

  it('raises a 200 {error} body as backend_error', async () => {
    const error = await failure(client.getRbacRolePermissions('wizard'))
    expect(error.code).toBe('backend_error')
    expect(error.message).toContain('Invalid role: wizard')
    expect(await client.getRbacRolePermissions('viewer')).toMatchObject({
      role: 'viewer',
      permission_count: 1
    })
  })

  it('refuses extensions without sending a request', async () => {
    const before = brain.requests.length
    expect((await failure(client.listMissions())).code).toBe('not_supported')
    expect((await failure(client.getChildren('mission', 'm_0123456789ab'))).code).toBe(
      'not_supported'
    )
    expect(brain.requests.length).toBe(before)
  })

  it('reports the stream router as absent (404 → not_found) and the snapshot as not found', async () => {
    expect((await failure(client.getStreamStats())).code).toBe('not_found')
    expect((await failure(client.getTelemetrySnapshot())).message).toBe('Snapshot not available')
  })

  it('asks for a credential on identity routes without one', async () => {
    const anonymous = new BackendClient(brain.url, null)
    const error = await failure(anonymous.createMission())
    expect(error.code).toBe('unauthorized')
    expect(error.message).toContain('Authentication required')
  })

  it('turns a plain-text 500 into one sentence and retries reads only on transient failures', async () => {
    brain.setDown(true)
    try {
      const before = brain.requests.length
      const error = await failure(client.getGovernorInfo())
      expect(error.code).toBe('server_error')
      expect(error.message).toBe(
        'The backend failed on GET /governor/info (HTTP 500): Internal Server Error'
      )
      expect(brain.requests.length - before).toBe(1)
    } finally {
      brain.setDown(false)
    }
    expect((await client.getGovernorInfo()).phase).toBe('1')
  })

  it('retries an unreachable backend with backoff, then reports it unreachable', async () => {
    const closed = await startFakeBrain()
    const url = closed.url
    await closed.close()
    const away = new BackendClient(url, null, { retries: 2, backoffMs: 5 })
    const error = await failure(away.getGovernorInfo())
    expect(error.code).toBe('network')
    expect(error.retriable).toBe(true)
    expect(error.message).toMatch(
      /^The backend at http:\/\/127\.0\.0\.1:\d+ is not reachable \(ECONNREFUSED\)$/
    )
    expect(error.toConsoleError().code).toBe('backend_unavailable')
  })
})

describe('trace on a BRAiN whose 500 does not say 404', () => {
  it('checks the entity itself: unknown → not_found, known → the server error', async () => {
    const brain = await startFakeBrain({ staticToken: 't', opaqueTrace500: true })
    try {
      const client = new BackendClient(brain.url, new StaticTokenAuth('t'))
      const unknown = await failure(client.getTrace('mission', 'm_0123456789ab'))
      expect(unknown).toMatchObject({
        code: 'not_found',
        message: 'Mission m_0123456789ab not found'
      })
      const mission = await client.createMission()
      const known = await failure(client.getTrace('mission', mission.mission_id))
      expect(known.code).toBe('server_error')
      expect(known.message).toContain('Error 111 connecting to redis:6379')
    } finally {
      await brain.close()
    }
  })
})

describe('BRAiN login', () => {
  it('logs in, refreshes before expiry, and keeps the new refresh token', async () => {
    const brain = await startFakeBrain({ expiresIn: 1.2 })
    const seen: string[] = []
    const auth = new BrainLoginAuth({
      baseUrl: brain.url,
      email: 'ops@example.com',
      password: 'correct horse',
      onRefreshToken: (token) => seen.push(token)
    })
    try {
      const client = new BackendClient(brain.url, auth)
      await client.createMission()
      expect(brain.authCalls).toEqual({ login: 1, refresh: 0 })
      // 80 % of 1.2 s → refresh near 0.96 s.
      await new Promise((resolve) => setTimeout(resolve, 1_300))
      expect(brain.authCalls.refresh).toBe(1)
      await client.createMission()
      expect(brain.authCalls.login).toBe(1)
      expect(seen).toHaveLength(2)
      expect(seen[1]).not.toBe(seen[0])
    } finally {
      auth.close()
      await brain.close()
    }
  })

  it('says the login was refused when the password is wrong', async () => {
    const brain = await startFakeBrain()
    const auth = new BrainLoginAuth({
      baseUrl: brain.url,
      email: 'ops@example.com',
      password: 'nope'
    })
    try {
      const error = await failure(new BackendClient(brain.url, auth).createMission())
      expect(error.code).toBe('unauthorized')
      expect(error.message).toBe(
        'BRAiN refused the login: check the email and password of this environment'
      )
    } finally {
      auth.close()
      await brain.close()
    }
  })
})

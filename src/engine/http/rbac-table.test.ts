import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLE_PERMISSIONS, type Permission, type Role } from '../../shared/neurorail'
import { startTestEngine, type TestEngine } from '../testing/harness'

/**
 * The permission table of neurorail-api.md §7, written out here in the spec's words rather than
 * read from the code: a test that derived its expectations from the routes would follow a route
 * whose permission was weakened. "viewer has the 6 read:* permissions (read:audit|metrics|
 * lifecycle|reflex|governor|enforcement); operator has the viewer set plus write:enforcement,
 * write:reflex, execute:job, execute:reflex (10); admin has all 13, adding write:governor,
 * manage:rbac, manage:system."
 */
const SPEC_VIEWER = (
  ['audit', 'metrics', 'lifecycle', 'reflex', 'governor', 'enforcement'] as const
).map((what): Permission => `read:${what}`)
const SPEC_OPERATOR: readonly Permission[] = [
  ...SPEC_VIEWER,
  ...(['write:enforcement', 'write:reflex', 'execute:job', 'execute:reflex'] as const)
]
const SPEC_ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: SPEC_VIEWER,
  operator: SPEC_OPERATOR,
  admin: [...SPEC_OPERATOR, 'write:governor', 'manage:rbac', 'manage:system']
}

/**
 * Every route of the engine and the permission it needs (null: any authenticated role). §7's
 * guards (events → read:audit, stats → read:metrics, publish and buffers → manage:system,
 * rbac/stats → manage:rbac), docs/conventions.md for the extensions and
 * src/engine/governance/README.md for budgets, reflexes, manifests and signals. A route missing
 * here fails the test: a new route needs a decision, not a default.
 */
const ROUTE_PERMISSIONS: Record<string, Permission | null> = {
  'GET /capabilities': null,
  'GET /execution/status/:attempt_id': 'read:lifecycle',
  'GET /metrics': 'read:metrics',
  'POST /identity/mission': 'execute:job',
  'POST /identity/plan': 'execute:job',
  'POST /identity/job': 'execute:job',
  'POST /identity/attempt': 'execute:job',
  'POST /identity/resource': 'execute:job',
  'GET /identity/mission/:id': 'read:lifecycle',
  'GET /identity/plan/:id': 'read:lifecycle',
  'GET /identity/job/:id': 'read:lifecycle',
  'GET /identity/attempt/:id': 'read:lifecycle',
  'GET /identity/resource/:id': 'read:lifecycle',
  'GET /identity/trace/:entity_type/:id': 'read:lifecycle',
  'GET /identity/missions': 'read:lifecycle',
  'GET /identity/jobs': 'read:lifecycle',
  'GET /identity/attempts': 'read:lifecycle',
  'GET /identity/children/:entity_type/:id': 'read:lifecycle',
  'POST /lifecycle/:entity_type/:id/transition': 'execute:job',
  'POST /lifecycle/batch': 'execute:job',
  'GET /lifecycle/:entity_type/:id/state': 'read:lifecycle',
  'GET /lifecycle/:entity_type/:id/history': 'read:lifecycle',
  'GET /lifecycle/stats': 'read:lifecycle',
  'POST /audit/query': 'read:audit',
  'GET /audit/mission/:mission_id': 'read:audit',
  'GET /audit/stats': 'read:audit',
  'POST /audit/log': 'execute:job',
  'GET /telemetry/metrics/:entity_id': 'read:metrics',
  'GET /telemetry/snapshot': 'read:metrics',
  'POST /telemetry/report': 'execute:job',
  /** OTLP ingest (docs/otel.md): an export creates missions, jobs and attempts as an agent does. */
  'POST /v1/traces': 'execute:job',
  'GET /otel/traces/:trace_id/spans': 'read:lifecycle',
  'POST /governor/decide': 'execute:job',
  'GET /governor/info': 'read:governor',
  'GET /governor/decisions': 'read:governor',
  'GET /stream/events': 'read:audit',
  'GET /stream/stats': 'read:metrics',
  'POST /stream/publish': 'manage:system',
  'DELETE /stream/buffers': 'manage:system',
  'GET /rbac/info': null,
  'GET /rbac/roles': null,
  'GET /rbac/permissions': null,
  'GET /rbac/roles/:role/permissions': null,
  'POST /rbac/check': null,
  'GET /rbac/stats': 'manage:rbac',
  'GET /reflex/circuits': 'read:reflex',
  'POST /reflex/circuits/:circuit_id/reset': 'write:reflex',
  'GET /reflex/triggers': 'read:reflex',
  'GET /reflex/actions': 'read:reflex',
  'GET /reflex/jobs': 'read:reflex',
  'GET /reflex/jobs/:job_id': 'read:reflex',
  'POST /reflex/jobs/:job_id/suspend': 'execute:reflex',
  'POST /reflex/jobs/:job_id/throttle': 'execute:reflex',
  'POST /reflex/jobs/:job_id/alert': 'execute:reflex',
  'POST /reflex/jobs/:job_id/cancel': 'execute:reflex',
  'POST /reflex/jobs/:job_id/resume': 'execute:reflex',
  'GET /budget/jobs/:job_id': 'read:enforcement',
  'POST /budget/jobs/:job_id/give-up': 'execute:job',
  'GET /budget/violations': 'read:enforcement',
  'GET /governor/manifests': 'read:governor',
  'PUT /governor/manifests/:slot': 'write:governor',
  'DELETE /governor/manifests/:slot': 'write:governor',
  'POST /governor/shadow/promote': 'write:governor',
  'GET /governor/shadow/disagreements': 'read:governor',
  'GET /signals': 'read:metrics'
}

const TOKENS: Record<Role, string> = {
  viewer: 'rbac-viewer-token-1',
  operator: 'rbac-operator-token-1',
  admin: 'rbac-admin-token-123'
}

const PARAM_VALUES: Record<string, string> = { entity_type: 'job', slot: 'shadow', role: 'viewer' }

function concrete(pattern: string): string {
  return pattern.replace(/:(\w+)/g, (_, name: string) => PARAM_VALUES[name] ?? 'x_0123456789ab')
}

describe('RBAC by route table (issue 10 item 16)', () => {
  let t: TestEngine
  beforeAll(async () => {
    t = await startTestEngine({
      adminToken: TOKENS.admin,
      tokens: [
        { token: TOKENS.viewer, role: 'viewer' },
        { token: TOKENS.operator, role: 'operator' }
      ]
    })
  })
  afterAll(async () => t.stop())

  /** Status of one call; a stream is cut as soon as its status is known. */
  async function statusOf(
    method: string,
    path: string,
    authorization: string | null,
    absolute = false
  ): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = {}
    if (authorization !== null) headers.Authorization = authorization
    const hasBody = method !== 'GET' && method !== 'HEAD'
    if (hasBody) headers['Content-Type'] = 'application/json'
    const abort = new AbortController()
    const res = await fetch((absolute ? t.engine.url : t.engine.baseUrl) + path, {
      method,
      headers,
      body: hasBody ? '{}' : undefined,
      signal: abort.signal
    })
    if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      abort.abort()
      return { status: res.status, body: null }
    }
    const text = await res.text()
    return {
      status: res.status,
      body: (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text
    }
  }

  it("the role table is §7's", () => {
    for (const role of Object.keys(SPEC_ROLE_PERMISSIONS) as Role[]) {
      expect([...ROLE_PERMISSIONS[role]].sort(), role).toEqual(
        [...SPEC_ROLE_PERMISSIONS[role]].sort()
      )
    }
  })

  it('every registered route is in the table, with the permission the table gives it', () => {
    const registered = Object.fromEntries(
      t.engine.routes.map((r) => [`${r.method} ${r.pattern}`, r.permission])
    )
    expect(Object.keys(registered).sort()).toEqual(Object.keys(ROUTE_PERMISSIONS).sort())
    expect(registered).toEqual(ROUTE_PERMISSIONS)
  })

  it('answers every route as the table says for no token, a bad token, viewer, operator and admin', async () => {
    const failures: string[] = []
    const check = (ok: boolean, what: string) => {
      if (!ok) failures.push(what)
    }
    for (const route of t.engine.routes) {
      const key = `${route.method} ${route.pattern}`
      const needed = ROUTE_PERMISSIONS[key]
      const path = concrete(route.pattern)
      const abs = route.absolute === true
      const none = await statusOf(route.method, path, null, abs)
      check(none.status === 401, `${key} without a token: ${none.status}, expected 401`)
      const bad = await statusOf(route.method, path, 'Bearer not-a-registered-token', abs)
      check(bad.status === 401, `${key} with a bad token: ${bad.status}, expected 401`)
      for (const role of ['viewer', 'operator', 'admin'] as const) {
        const res = await statusOf(route.method, path, `Bearer ${TOKENS[role]}`, abs)
        const allowed =
          needed === null || needed === undefined || SPEC_ROLE_PERMISSIONS[role].includes(needed)
        if (allowed) {
          check(
            res.status !== 401 && res.status !== 403 && res.status < 500,
            `${key} as ${role}: ${res.status}, expected it allowed`
          )
        } else {
          check(res.status === 403, `${key} as ${role}: ${res.status}, expected 403`)
          const detail = (res.body as { detail?: { required_permissions?: unknown } } | null)
            ?.detail
          if (res.status === 403) {
            const named = JSON.stringify(detail?.required_permissions)
            check(
              named === JSON.stringify([needed]),
              `${key} as ${role}: 403 names ${named}, expected ["${needed}"]`
            )
          }
        }
      }
    }
    expect(failures).toEqual([])
    // The walk covered every write route (22 or more), not a sample.
    expect(t.engine.routes.filter((r) => r.method !== 'GET').length).toBeGreaterThanOrEqual(22)
  })
})

import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { actionTarget, LifecycleEntityTypeSchema } from '../../../../shared/neurorail'
import { auditEvent } from '../../testing/fixtures'
import { listenOnLoopback } from '../../testing/loopback'

/**
 * A tiny stand-in for the real BRAiN backend (tests only), answering with its quirks as
 * neurorail-api.md documents them: naive datetimes without `Z`; trace of an unknown id → 500
 * "Failed to get trace chain: 404: …"; lifecycle history and audit query → 500 "the JSON object must
 * be str, bytes or bytearray, not dict" once a row has metadata/details; no /capabilities, no
 * /stream, no list routes; `{error}` with 200 on the RBAC routes (mounted only with `rbac: true`,
 * as on a BRAiN with the router fixed); identity and governor behind a Bearer JWT from
 * POST /api/auth/login; charset in content-type.
 */
export interface FakeBrain {
  readonly url: string
  /** Requests seen, as "METHOD /path" (to prove what the client did or did not send). */
  readonly requests: string[]
  /** Counts of logins and refreshes served. */
  readonly authCalls: { login: number; refresh: number }
  /** Every access and refresh token issued so far (tests search for them where none may be). */
  readonly issued: string[]
  /**
   * Seeds an audit row, newest first (details non-empty trips the JSON bug on /audit/query;
   * `severity: null` is a row without a level).
   */
  addAudit(event: Record<string, unknown>): void
  /** Makes every request fail with a plain-text 500 until called with false. */
  setDown(down: boolean): void
  close(): Promise<void>
}

export interface FakeBrainOptions {
  email?: string
  password?: string
  /** Access-token lifetime in seconds. */
  expiresIn?: number
  rbac?: boolean
  /** A static token accepted as Bearer besides issued ones. */
  staticToken?: string
  /** Trace answers every request with a 500 whose text does not mention 404 (a Redis hiccup, say). */
  opaqueTrace500?: boolean
}

const PREFIX = '/api/neurorail/v1'
const PARENT_FIELD: Record<string, string | undefined> = {
  plan: 'mission_id',
  job: 'plan_id',
  attempt: 'job_id',
  resource: 'attempt_id'
}

function naiveNow(): string {
  return new Date()
    .toISOString()
    .replace('Z', '')
    .replace(/\.(\d{3})$/, '.$1123')
}

function hex12(): string {
  return randomBytes(6).toString('hex')
}

export async function startFakeBrain(options: FakeBrainOptions = {}): Promise<FakeBrain> {
  const email = options.email ?? 'ops@example.com'
  const password = options.password ?? 'correct horse'
  const tokens = new Set<string>(options.staticToken ? [options.staticToken] : [])
  const refreshTokens = new Set<string>()
  const records = new Map<string, Record<string, unknown>>()
  const states = new Map<string, string>()
  const history = new Map<string, Record<string, unknown>[]>()
  const audit: Record<string, unknown>[] = []
  const requests: string[] = []
  const authCalls = { login: 0, refresh: 0 }
  const issued: string[] = []
  let down = false

  function send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(body))
  }

  function authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? ''
    return header.startsWith('Bearer ') && tokens.has(header.slice(7))
  }

  function issue(): Record<string, unknown> {
    const access = `acc_${hex12()}`
    const refresh = `ref_${hex12()}`
    tokens.add(access)
    refreshTokens.add(refresh)
    issued.push(access, refresh)
    return {
      access_token: access,
      refresh_token: refresh,
      token_type: 'bearer',
      expires_in: options.expiresIn ?? 3600
    }
  }

  async function readJson(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    return text ? JSON.parse(text) : {}
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x')
    const path = url.pathname
    requests.push(`${req.method} ${path}`)
    if (down) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('Internal Server Error')
      return
    }
    if (req.method === 'POST' && path === '/api/auth/login') {
      authCalls.login++
      const body = (await readJson(req)) as { email?: string; password?: string }
      if (body.email !== email || body.password !== password)
        return send(res, 401, { detail: 'Invalid credentials' })
      return send(res, 200, issue())
    }
    if (req.method === 'POST' && path === '/api/auth/refresh') {
      authCalls.refresh++
      const body = (await readJson(req)) as { refresh_token?: string }
      if (!body.refresh_token || !refreshTokens.delete(body.refresh_token))
        return send(res, 401, { detail: 'Invalid refresh token' })
      return send(res, 200, issue())
    }
    if (!path.startsWith(PREFIX)) return send(res, 404, { detail: 'Not Found' })
    const p = path.slice(PREFIX.length)
    let m: RegExpExecArray | null

    // Identity and governor: Bearer required.
    if (p.startsWith('/identity/') || p.startsWith('/governor/')) {
      if (!req.headers.authorization) return send(res, 401, { detail: 'Authentication required' })
      if (!authorized(req)) return send(res, 401, { detail: 'Invalid token' })
    }
    if (req.method === 'POST' && (m = /^\/identity\/(mission|plan|job|attempt)$/.exec(p))) {
      const type = m[1] as string
      const body = (await readJson(req)) as Record<string, unknown>
      const prefix = type[0] as string
      const id = `${prefix}_${hex12()}`
      const idField = `${type}_id`
      const parentField = PARENT_FIELD[type]
      if (parentField && !records.has(String(body[parentField]))) {
        return send(res, 400, {
          detail: `${parentField.replace('_id', '')} ${String(body[parentField])} not found`
        })
      }
      const record: Record<string, unknown> = { [idField]: id, created_at: naiveNow(), ...body }
      if (type === 'mission')
        Object.assign(record, {
          parent_mission_id: body.parent_mission_id ?? null,
          tags: body.tags ?? {}
        })
      records.set(id, { ...record, __type: type })
      return send(res, 201, record)
    }
    if (
      req.method === 'GET' &&
      (m = /^\/identity\/(mission|plan|job|attempt|resource)\/([^/]+)$/.exec(p))
    ) {
      const rec = records.get(m[2] as string)
      if (!rec || rec.__type !== m[1])
        return send(res, 404, { detail: `${cap(m[1] as string)} ${m[2]} not found` })
      return send(res, 200, strip(rec))
    }
    if (req.method === 'GET' && (m = /^\/identity\/trace\/([^/]+)\/([^/]+)$/.exec(p))) {
      const [, type, id] = m as unknown as [string, string, string]
      if (!['mission', 'plan', 'job', 'attempt', 'resource'].includes(type))
        return send(res, 400, { detail: `Invalid entity type: ${type}` })
      const rec = records.get(id)
      if (options.opaqueTrace500)
        return send(res, 500, {
          detail: 'Failed to get trace chain: Error 111 connecting to redis:6379'
        })
      if (!rec)
        return send(res, 500, {
          detail: `Failed to get trace chain: 404: ${cap(type)} ${id} not found`
        })
      const chain: Record<string, unknown> = {
        mission: null,
        plan: null,
        job: null,
        attempt: null,
        resource: null
      }
      let cur: Record<string, unknown> | undefined = rec
      while (cur) {
        chain[cur.__type as string] = strip(cur)
        const parentField: string | undefined = PARENT_FIELD[cur.__type as string]
        const parent: unknown = parentField ? cur[parentField] : undefined
        cur = typeof parent === 'string' ? records.get(parent) : undefined
      }
      return send(res, 200, {
        entity_type: type,
        entity_id: id,
        trace_chain: chain,
        created_at: naiveNow()
      })
    }
    if ((m = /^\/lifecycle\/([^/]+)\/([^/]+)\/(transition|state|history)$/.exec(p))) {
      const [, type, id, op] = m as unknown as [string, string, string, string]
      const lifecycleType = LifecycleEntityTypeSchema.safeParse(type)
      if (!lifecycleType.success) return send(res, 400, { detail: `Invalid entity type: ${type}` })
      if (op === 'transition' && req.method === 'POST') {
        const body = (await readJson(req)) as {
          transition?: string
          metadata?: Record<string, unknown>
        }
        const to = actionTarget(lifecycleType.data, body.transition ?? '', body.metadata)
        if (!to)
          return send(res, 500, {
            detail: `Failed to transition ${type}: Unknown transition ${body.transition}`
          })
        const event = {
          event_id: `evt_${naiveNow().replace(/\D/g, '').slice(0, 14)}`,
          entity_type: type,
          entity_id: id,
          from_state: states.get(id) ?? null,
          to_state: to,
          transition: body.transition,
          timestamp: naiveNow(),
          metadata: body.metadata ?? {},
          caused_by: null
        }
        states.set(id, to)
        history.set(id, [...(history.get(id) ?? []), event])
        return send(res, 200, event)
      }
      if (op === 'state') {
        const state = states.get(id)
        if (!state) return send(res, 404, { detail: `No state found for ${type} ${id}` })
        return send(res, 200, {
          entity_type: type,
          entity_id: id,
          current_state: state,
          updated_at: naiveNow(),
          metadata: { allowed_transitions: [] }
        })
      }
      if (op === 'history') {
        const rows = history.get(id) ?? []
        if (rows.some((r) => Object.keys(r.metadata as object).length > 0)) {
          return send(res, 500, {
            detail:
              'Failed to get history: the JSON object must be str, bytes or bytearray, not dict'
          })
        }
        return send(res, 200, {
          entity_type: type,
          entity_id: id,
          transitions: rows,
          total_transitions: rows.length
        })
      }
    }
    if (req.method === 'POST' && p === '/audit/query') {
      const body = (await readJson(req)) as Record<string, unknown> & {
        limit?: number
        offset?: number
      }
      // Exact-match filters, as BRAiN's query has them (no plan or attempt filter).
      const FILTERS = ['mission_id', 'job_id', 'event_type', 'event_category', 'severity'] as const
      const rows = audit.filter((a) =>
        FILTERS.every((f) => body[f] === undefined || body[f] === null || a[f] === body[f])
      )
      if (rows.some((r) => Object.keys((r.details as object) ?? {}).length > 0)) {
        return send(res, 500, {
          detail:
            'Failed to query audit log: the JSON object must be str, bytes or bytearray, not dict'
        })
      }
      const limit = body.limit ?? 100
      const offset = body.offset ?? 0
      return send(res, 200, {
        events: rows.slice(offset, offset + limit),
        total: rows.length,
        limit,
        offset
      })
    }
    if (req.method === 'GET' && p === '/audit/stats') {
      return send(res, 200, {
        total_events: audit.length,
        events_by_category: {},
        events_by_severity: {},
        events_by_type: {},
        time_range_start: '0001-01-01T00:00:00',
        time_range_end: naiveNow()
      })
    }
    if (req.method === 'GET' && p === '/telemetry/snapshot')
      return send(res, 404, { detail: 'Snapshot not available' })
    if (req.method === 'GET' && (m = /^\/telemetry\/metrics\/([^/]+)$/.exec(p)))
      return send(res, 404, { detail: `Metrics for ${m[1]} not found` })
    if (req.method === 'GET' && p === '/governor/info') {
      return send(res, 200, {
        name: 'NeuroRail Governor',
        version: '0.1.0 (Phase 1 Stub)',
        phase: 1,
        enforcement_enabled: false,
        active_manifest: {
          name: 'default_phase1',
          version: '1.0',
          description: 'Phase 1 default',
          rule_count: 4
        },
        shadow_manifest: { enabled: false, version: null }
      })
    }
    if (req.method === 'POST' && p === '/governor/decide') {
      const body = (await readJson(req)) as Record<string, unknown>
      const rail = body.job_type === 'llm_call'
      return send(res, 200, {
        decision_id: `dec_${naiveNow().replace(/\D/g, '').slice(0, 14)}`,
        timestamp: naiveNow(),
        mode: rail ? 'rail' : 'direct',
        reason: rail ? 'LLM calls are governed' : 'default',
        mission_id: body.mission_id ?? null,
        job_id: body.job_id ?? null,
        job_type: body.job_type,
        matched_rules: [rail ? 'rule_0' : 'rule_3'],
        evidence: body.context ?? {},
        shadow_mode: false
      })
    }
    if (
      options.rbac &&
      req.method === 'GET' &&
      (m = /^\/rbac\/roles\/([^/]+)\/permissions$/.exec(p))
    ) {
      if (m[1] !== 'viewer') return send(res, 200, { error: `Invalid role: ${m[1]}` })
      return send(res, 200, { role: 'viewer', permissions: ['read:audit'], permission_count: 1 })
    }
    // /capabilities, /stream/*, list routes: not on BRAiN.
    return send(res, 404, { detail: 'Not Found' })
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      res.end(`Internal Server Error: ${String(error)}`)
    })
  })
  const url = await listenOnLoopback(server)

  return {
    url,
    requests,
    authCalls,
    issued,
    addAudit(event) {
      audit.unshift({
        ...auditEvent({ audit_id: `aud_${hex12()}`, timestamp: naiveNow(), message: 'started' }),
        ...event
      })
    },
    setDown(value) {
      down = value
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

function strip(rec: Record<string, unknown>): Record<string, unknown> {
  const { __type: _t, ...rest } = rec
  return rest
}

import { describe, expect, it } from 'vitest'
import type { ConnectionState, EnvironmentView } from '../../../shared/console/domains/environments'
import type { LiveEvent } from '../../../shared/console/domains/live'
import type { LocalRunView } from '../../../shared/console/domains/runs'
import { redactSecrets } from '../client/redact'
import { diagnosticsText, RecentErrors } from './diagnostics'
import { NotificationPolicy } from './notification-policy'
import { pageOfUrl, placeWindow } from './window-state'

function env(id: string, isProduction: boolean): EnvironmentView {
  return {
    id,
    name: id.toUpperCase(),
    baseUrl: 'http://x',
    kind: 'remote',
    authKind: 'bearer',
    color: 'blue',
    isProduction,
    readOnly: false,
    hasCredential: true,
    credentialStorage: 'keychain',
    builtIn: false
  }
}

function live(event_type: string, data: Record<string, unknown>, id = 'e1'): LiveEvent {
  return { id, channel: 'reflex', event_type, timestamp: 1, data } as unknown as LiveEvent
}

function state(environmentId: string, status: ConnectionState['status']): ConnectionState {
  return {
    environmentId,
    status,
    since: '2026-01-01T00:00:00Z',
    lastDataAt: null,
    dataAgeMs: null,
    message: null,
    capabilities: { engine: null, features: [] },
    role: null
  }
}

function run(runId: string, status: LocalRunView['status'], exitCode: number | null): LocalRunView {
  return {
    runId,
    script: 'demo:flaky',
    label: 'flaky',
    status,
    pid: 1,
    missionId: null,
    startedAt: 'x',
    endedAt: null,
    exitCode,
    signal: null,
    outputLines: 0,
    error: null
  }
}

function policy(off: string[] = []) {
  let now = 0
  const envs = [env('prod', true), env('dev', false)]
  const p = new NotificationPolicy(
    { environment: (id) => envs.find((e) => e.id === id), enabled: (id) => !off.includes(id) },
    { perSubjectMs: 60_000, burst: 3, windowMs: 60_000 },
    () => now
  )
  return { p, advance: (ms: number) => (now += ms) }
}

describe('NotificationPolicy', () => {
  it('notifies for an opening circuit and a budget violation, linking to what they are about', () => {
    const { p } = policy()
    const out = p.fromLiveEvents(
      [
        live('circuit_state_changed', { circuit_id: 'llm', to_state: 'open', failure_count: 5 }),
        live('circuit_state_changed', { circuit_id: 'llm', to_state: 'closed', failure_count: 0 }),
        live('budget_violation', {
          violation_type: 'cost_limit',
          code: 'NR-E004',
          message: 'over',
          job_id: 'j_0123456789ab'
        }),
        live('state_transition', { entity_id: 'j_0123456789ab', to_state: 'failed' })
      ],
      'dev'
    )
    expect(out.map((n) => [n.kind, n.title, n.path])).toEqual([
      ['circuit_open', 'Circuit llm opened', 'reflex'],
      ['budget_violation', 'Budget violation: cost limit', 'trace/j_0123456789ab']
    ])
    expect(out[0]?.body).toMatch(/after 5 failures/)
  })

  it('tells of production connections that drop or refuse the credential, not of others', () => {
    const { p } = policy()
    expect(p.fromConsoleEvent('onConnectionState', state('prod', 'connecting'))).toEqual([])
    expect(p.fromConsoleEvent('onConnectionState', state('prod', 'live'))).toEqual([])
    expect(p.fromConsoleEvent('onConnectionState', state('prod', 'offline'))).toMatchObject([
      { kind: 'connection_lost', title: 'Lost the connection to PROD', path: 'overview' }
    ])
    expect(p.fromConsoleEvent('onConnectionState', state('prod', 'offline'))).toEqual([])
    expect(p.fromConsoleEvent('onConnectionState', state('prod', 'auth_failed'))).toMatchObject([
      { kind: 'credential_refused' }
    ])
    expect(p.fromConsoleEvent('onConnectionState', state('dev', 'live'))).toEqual([])
    expect(p.fromConsoleEvent('onConnectionState', state('dev', 'offline'))).toEqual([])
    // Offline at start (never was connected) is not a drop.
    const fresh = policy().p
    expect(fresh.fromConsoleEvent('onConnectionState', state('prod', 'offline'))).toEqual([])
  })

  it('tells of a local run that fails once, not of one that succeeds', () => {
    const { p } = policy()
    expect(
      p.fromConsoleEvent('onRunsChanged', {
        runs: [run('r1', 'running', null), run('r2', 'running', null)]
      })
    ).toEqual([])
    const out = p.fromConsoleEvent('onRunsChanged', {
      runs: [run('r1', 'exited', 2), run('r2', 'exited', 0)]
    })
    expect(out).toMatchObject([
      { kind: 'run_failed', environmentId: 'local', title: 'Local run flaky failed', path: 'runs' }
    ])
    expect(p.fromConsoleEvent('onRunsChanged', { runs: [run('r1', 'exited', 2)] })).toEqual([])
    expect(p.fromConsoleEvent('onRunsChanged', { runs: [run('r3', 'failed', null)] })).toHaveLength(
      1
    )
  })

  it('is silent for environments turned off', () => {
    const { p } = policy(['dev'])
    expect(
      p.fromLiveEvents(
        [live('circuit_state_changed', { circuit_id: 'a', to_state: 'open' })],
        'dev'
      )
    ).toEqual([])
    expect(
      p.fromLiveEvents(
        [live('circuit_state_changed', { circuit_id: 'a', to_state: 'open' })],
        'prod'
      )
    ).toHaveLength(1)
  })

  it('rate-limits per subject and overall, and says how many it held back', () => {
    const { p, advance } = policy()
    const open = (circuit: string) =>
      live('circuit_state_changed', { circuit_id: circuit, to_state: 'open' })
    expect(p.fromLiveEvents([open('a'), open('a')], 'dev')).toHaveLength(1)
    const burst = p.fromLiveEvents([open('b'), open('c'), open('d'), open('e')], 'dev')
    expect(burst).toHaveLength(2)
    expect(burst[0]?.body).toMatch(/\(1 more held back\)/)
    expect(p.suppressedCount).toBe(2)
    advance(60_000)
    const [next] = p.fromLiveEvents([open('a')], 'dev')
    expect(next?.body).toMatch(/\(2 more held back\)/)
    expect(p.suppressedCount).toBe(0)
  })
})

describe('diagnostics', () => {
  it('redacts credentials in every form we know and the secrets this launch holds', () => {
    const known = 'engine-admin-token-abcdef'
    const text = redactSecrets(
      `GET http://user:pw@host/x Authorization: Bearer abc.def-123 token=t0k&x=1 {"password":"hunter22"} ${known} eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig refresh_token: r3fr35h`,
      [known]
    )
    for (const secret of [
      'pw@',
      'abc.def-123',
      't0k',
      'hunter22',
      known,
      'eyJzdWIiOiIxIn0',
      'r3fr35h'
    ]) {
      expect(text).not.toContain(secret)
    }
    expect(text).toContain('http://[redacted]@host/x')
  })

  it('redacts a short known secret as a word, and a known one as it reads inside JSON', () => {
    const errors = new RecentErrors(5, () => ['pw1', 'launch"secret-42'])
    errors.add('login refused', new Error('{"detail":"pw1 is wrong","echo":"launch\\"secret-42"}'))
    expect(errors.list()[0]).toMatch(
      /login refused: \{"detail":"\[redacted\] is wrong","echo":"\[redacted\]"\}$/
    )
  })

  it('keeps the last errors, redacted and bounded, and writes versions, counts and sizes', () => {
    const errors = new RecentErrors(2, () => ['known-secret-123'])
    errors.add('first')
    errors.add('connect failed', new Error('401 for token=abc; known-secret-123\nstack'))
    errors.add('third')
    expect(errors.list()).toHaveLength(2)
    expect(errors.list()[0]).toMatch(/connect failed: 401 for token=\[redacted\]; \[redacted\]$/)
    const text = diagnosticsText({
      appVersion: '1.0.0',
      versions: { electron: '45.4.1', chrome: '140', node: '22' },
      platform: 'linux',
      arch: 'x64',
      osRelease: '6.1',
      dataDir: '/d',
      environmentCount: 3,
      activeEnvironment: { kind: 'remote', status: 'live' },
      cacheBytes: 5 * 1024 * 1024,
      engineRunning: true,
      recentErrors: errors.list(),
      now: new Date('2026-01-01T00:00:00Z')
    })
    expect(text).toMatch(/ControlDeck 1\.0\.0 diagnostics/)
    expect(text).toMatch(/Electron 45\.4\.1 · Chromium 140 · Node 22/)
    expect(text).toMatch(/Environments: 3/)
    expect(text).toMatch(/Cache of the active environment: 5\.0 MB/)
    expect(text).toMatch(/Recent errors \(2\):/)
  })
})

describe('window placement', () => {
  const one = [{ x: 0, y: 0, width: 1920, height: 1050 }]
  const two = [...one, { x: 1920, y: 0, width: 2560, height: 1400 }]

  it('keeps a saved place that is on a display, shrunk to fit it', () => {
    expect(placeWindow({ x: 2100, y: 120, width: 1200, height: 800 }, two)).toEqual({
      x: 2100,
      y: 120,
      width: 1200,
      height: 800
    })
    expect(placeWindow({ x: 100, y: 100, width: 3000, height: 2000 }, one)).toEqual({
      x: 0,
      y: 0,
      width: 1920,
      height: 1050
    })
    // Hanging off the right edge with its title bar still grabbable: pulled inside.
    expect(placeWindow({ x: 1700, y: 100, width: 1000, height: 700 }, one)).toEqual({
      x: 920,
      y: 100,
      width: 1000,
      height: 700
    })
  })

  it('centres the default size on the first display when the saved place is gone or hidden', () => {
    const centred = { x: 280, y: 95, width: 1360, height: 860 }
    expect(placeWindow(null, one)).toEqual(centred)
    expect(placeWindow({ x: 2100, y: 120, width: 1200, height: 800 }, one)).toEqual(centred)
    // Title bar above the top of the screen: not grabbable.
    expect(placeWindow({ x: 100, y: -500, width: 1200, height: 800 }, one)).toEqual(centred)
    expect(placeWindow(null, [])).toMatchObject({ width: 1360, height: 860 })
  })

  it('reads the page of a hash route', () => {
    expect(pageOfUrl('file:///a/index.html#/audit?severity=error')).toBe('audit')
    expect(pageOfUrl('file:///a/index.html#/traces/j_0123456789ab')).toBe('traces')
    expect(pageOfUrl('file:///a/index.html#/nope')).toBeNull()
    expect(pageOfUrl('file:///a/index.html')).toBeNull()
  })
})

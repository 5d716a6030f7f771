// The read-only policy walked over EVERY method of the contract: the real console service, the real
// embedded engine on 127.0.0.1 behind a recording proxy (so any request the services send shows),
// and the active environment marked read-only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CONSOLE_METHODS,
  type ConsoleMethodName,
  type MethodInput
} from '../../../shared/console/api'
import type { ConsoleError } from '../../../shared/console/errors'
import type { ConsoleService } from '../console-service'
import { sampleIncidentBundle } from '../../../shared/console/bundle/sample-bundle'
import { startFaultProxy, type FaultProxy } from '../testing/fault-proxy'
import { withoutKeychain } from '../testing/no-keychain'
import { createLocalConsole, startTempEngine, type TempEngine } from '../testing/temp-engine'

/**
 * One valid input per method. Typed over every method name, so a method added to the contract
 * fails typecheck here until it is walked too.
 */
const SAMPLE_INPUTS: { [M in ConsoleMethodName]: MethodInput<M> } = {
  getAppInfo: {},
  takeLaunchDeepLink: {},
  listEnvironments: {},
  getConnectionState: {},
  switchEnvironment: { id: 'local' },
  addEnvironment: { name: 'Staging', baseUrl: 'http://127.0.0.1:9' },
  updateEnvironment: { id: 'local', changes: { color: 'grey' } },
  removeEnvironment: { id: 'no-such-env' },
  duplicateEnvironment: { id: 'no-such-env' },
  exportEnvironments: {},
  importEnvironments: { json: '[]' },
  setCredential: { environmentId: 'no-such-env', credential: { kind: 'token', token: 'sample' } },
  clearCredential: { environmentId: 'no-such-env' },
  getKeychainStatus: {},
  getNotificationSettings: {},
  getUpdateState: {},
  checkForUpdates: {},
  installUpdate: {},
  setEnvironmentNotifications: { environmentId: 'local', enabled: true },
  getOtlpEndpoint: {},
  copyOtlpIngestToken: {},
  getTrace: { entityId: 'm_0123456789ab' },
  getChildren: { entityType: 'mission', entityId: 'm_0123456789ab' },
  getTraceRollups: { entityId: 'm_0123456789ab' },
  getEntityDetails: { entityId: 'm_0123456789ab' },
  listMissions: {},
  listJobs: {},
  listAttempts: {},
  queryAudit: {},
  listRecentFailures: {},
  suggest: { text: 'j_' },
  getAuditStats: {},
  getTelemetrySnapshot: {},
  getEntityMetrics: { entityId: 'j_0123456789ab' },
  getLifecycleStats: {},
  getGovernorInfo: {},
  listDecisions: {},
  governorDecide: { job_type: 'llm_call' },
  transitionEntity: {
    entityType: 'job',
    entityId: 'j_0123456789ab',
    transition: 'dependencies_met'
  },
  subscribeEvents: {},
  unsubscribeEvents: { subscriptionId: 'no-such-subscription' },
  getRecentEvents: {},
  getCacheStatus: {},
  setCacheRetention: { days: 30, maxMb: 1024 },
  clearCache: {},
  listCircuits: {},
  resetCircuit: { circuitId: 'no-such-circuit' },
  listReflexActions: {},
  suspendJob: { jobId: 'j_0123456789ab' },
  resumeJob: { jobId: 'j_0123456789ab' },
  getBudgetOverview: {},
  listViolations: {},
  listSignals: {},
  getGovernorManifests: {},
  listLocalRuns: {},
  // A script that does not exist: once allowed, the run manager itself refuses it (no child runs).
  startLocalRun: { script: '/nonexistent/controldeck-read-only-agent.mjs' },
  stopLocalRun: { runId: 'run_000000000000' },
  getRunOutput: { runId: 'run_000000000000' },
  prepareIncidentBundle: { missionId: 'm_0123456789ab' },
  saveIncidentBundle: { bundle: sampleIncidentBundle(), fileName: 'incident.json' },
  openIncidentBundleFile: {},
  // Adds a read-only environment of its own: changes this console's settings, not a backend.
  importIncidentBundle: { bundle: sampleIncidentBundle(), activate: false }
}

/**
 * The methods that change a backend or start a process that does. Pinned here so that marking or
 * unmarking one is a deliberate, reviewed change.
 */
const WRITE_METHODS = [
  'governorDecide',
  'transitionEntity',
  'resetCircuit',
  'suspendJob',
  'resumeJob',
  'startLocalRun'
]

const METHOD_NAMES = Object.keys(CONSOLE_METHODS) as ConsoleMethodName[]

/** How a call ended: its ConsoleError, or null when it succeeded. */
async function outcome(
  service: ConsoleService,
  method: ConsoleMethodName
): Promise<ConsoleError | null> {
  try {
    await service.invoke(method, SAMPLE_INPUTS[method])
    return null
  } catch (error) {
    return (error as { error: ConsoleError }).error
  }
}

describe('read-only environments, enforced by the console service for every method', () => {
  let temp: TempEngine
  let proxy: FaultProxy
  let service: ConsoleService
  const runEvents: unknown[] = []

  /** Requests that could change the engine, sent since `from` (index into the proxy's log). */
  const writesSince = (from: number) => proxy.applied.slice(from).filter((r) => r.method !== 'GET')

  beforeAll(async () => {
    withoutKeychain()
    temp = await startTempEngine('controldeck-read-only-')
    proxy = await startFaultProxy(temp.engine.url, () => ({ kind: 'pass' }))
    service = createLocalConsole(temp.engine, temp.dir, {
      localEngine: { url: proxy.url, adminToken: temp.engine.adminToken }
    })
    service.subscribe((name, payload) => {
      if (name === 'onRunsChanged') runEvents.push(payload)
    })
    await service.invoke('updateEnvironment', { id: 'local', changes: { readOnly: true } })
  })

  afterAll(async () => {
    await service?.dispose()
    await proxy?.close()
    await temp?.close()
  })

  it('marks exactly the methods that change a backend or start a process', () => {
    const marked = METHOD_NAMES.filter((name) => CONSOLE_METHODS[name].write === true)
    expect(marked.sort()).toEqual([...WRITE_METHODS].sort())
  })

  it('refuses every write method before any service code runs, and no read method', async () => {
    const refused: string[] = []
    for (const method of METHOD_NAMES) {
      const before = proxy.applied.length
      const runsBefore = runEvents.length
      const error = await outcome(service, method)
      if (error?.code === 'read_only') {
        refused.push(method)
        expect(error.message).toBe(
          `"Local engine" is read-only, so ControlDeck refused ${method}: it changes the backend or ` +
            'starts a process that does. Turn read-only off for this environment to allow it.'
        )
        // Nothing reached the engine and no run was even registered.
        expect(writesSince(before), method).toEqual([])
        expect(runEvents.length, method).toBe(runsBefore)
      }
    }
    expect(refused.sort()).toEqual([...WRITE_METHODS].sort())
    // The walk left the environment as read-only as it found it.
    const list = (await service.invoke('listEnvironments', {})) as {
      environments: Array<{ id: string; readOnly: boolean }>
    }
    expect(list.environments.find((e) => e.id === 'local')?.readOnly).toBe(true)
  })

  it('runs the same write calls once read-only is off (the refusal was the policy, not the input)', async () => {
    await service.invoke('updateEnvironment', { id: 'local', changes: { readOnly: false } })
    for (const method of WRITE_METHODS as ConsoleMethodName[]) {
      const before = proxy.applied.length
      const error = await outcome(service, method)
      expect(error?.code, method).not.toBe('read_only')
      // The services ran: a backend write went out (or, for a run, the run manager answered).
      if (method === 'startLocalRun') expect(error?.message).toMatch(/does not exist/)
      else expect(writesSince(before).length, method).toBeGreaterThan(0)
    }
  })
})

// Incident bundles end to end on the main side: a real trace on the real embedded engine, exported
// through the console service with redaction, then imported into another console (its own data
// folder) as an offline, read-only environment that the data methods read like any other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_BUNDLE_DEPTH, readIncidentBundleText } from '../../../shared/console/bundle/schema'
import type { PreparedBundle } from '../../../shared/console/domains/bundles'
import { consoleError } from '../testing/console-error'
import { findTooDeep, tooDeepMarker } from '../../../shared/json-depth'
import { StaticTokenAuth } from '../client/auth'
import { BackendClient } from '../client/backend-client'
import { seedChain, type SeededChain } from '../client/testing/brain-seed'
import type { ConsoleService } from '../console-service'
import { withoutKeychain } from '../testing/no-keychain'
import { sampleIncidentBundle } from '../../../shared/console/bundle/sample-bundle'
import {
  createLocalConsole,
  engineFetch,
  startTempEngine,
  type TempEngine
} from '../testing/temp-engine'
import { makeTempDir } from '../testing/temp-dir'

describe('incident bundles: export from a real engine, import as an offline environment', () => {
  const apiToken = 'sk-live-0123456789abcdefghij'
  const bearer = 'Bearer abcdefghijklmnopqrstuvwxyz0123'
  let temp: TempEngine
  let exporter: ConsoleService
  let importer: ConsoleService
  const other = makeTempDir('cd-bundle-import-')
  let ids: SeededChain

  beforeAll(async () => {
    withoutKeychain()
    temp = await startTempEngine('cd-bundle-', { rateLimit: false })
    const engine = temp.engine
    exporter = createLocalConsole(engine, temp.dir)
    const seed = new BackendClient(engine.url, new StaticTokenAuth(engine.adminToken))
    ids = await seedChain(seed, {
      tags: { team: 'ops', customer: 'acme', api_token: apiToken },
      metadata: { prompt: 'summarize the incident' },
      transitions: { mission: ['create', 'start'], job: ['create'], attempt: ['create', 'start'] }
    })
    const logged = await engineFetch(engine, 'POST', '/audit/log', {
      mission_id: ids.mission,
      job_id: ids.job,
      event_type: 'tool_call',
      event_category: 'execution',
      severity: 'info',
      message: `called the tool with ${bearer}`,
      details: { prompt: 'the secret plan', authorization: bearer, tool: 'search' }
    })
    expect(logged.status).toBe(201)
    // The importer is a console of its own data folder, with no engine: only the bundle.
    importer = createLocalConsole(engine, other.dir, { localEngine: null })
  })

  afterAll(async () => {
    await exporter?.dispose()
    await importer?.dispose()
    await temp?.close()
    other.remove()
  })

  let prepared: PreparedBundle

  it('exports the trace, its audit and transitions, without secrets, with the chosen redaction previewed', async () => {
    prepared = (await exporter.invoke('prepareIncidentBundle', {
      missionId: ids.mission,
      redaction: { tagKeys: ['customer'], detailKeys: ['prompt'] }
    })) as PreparedBundle
    const { bundle } = prepared
    expect(bundle.environment).toMatchObject({
      name: 'Local engine',
      kind: 'embedded',
      engine: 'controldeck'
    })
    expect(bundle.missionId).toBe(ids.mission)
    expect(bundle.audit.some((e) => e.event_type === 'tool_call')).toBe(true)
    expect(
      bundle.history.some((t) => t.entity_id === ids.attempt && t.to_state === 'running')
    ).toBe(true)
    const text = JSON.stringify(bundle)
    expect(text).not.toContain(apiToken)
    expect(text).not.toContain('abcdefghijklmnopqrstuvwxyz0123')
    expect(text).not.toContain(temp.engine.adminToken)
    expect(text).not.toContain('acme')
    expect(text).not.toContain('summarize the incident')
    expect(text).not.toContain('the secret plan')
    expect(text).toContain('"team":"ops"')
    expect(text).toContain('"tool":"search"')
    const reasons = (path: string) =>
      prepared.removed.filter((r) => r.path.endsWith(path)).map((r) => r.reason)
    expect(reasons('tags.customer')).toContain('tag')
    expect(reasons('tags.api_token')).toContain('secret')
    expect(reasons('details.prompt')).toContain('detail')
    expect(reasons('details.authorization')).toContain('secret')
    expect(prepared.removed.find((r) => r.path.endsWith('tags.customer'))?.preview).toBe('acme')
    expect(
      prepared.removed.filter((r) => r.reason === 'secret').every((r) => r.preview === '(hidden)')
    ).toBe(true)
    expect(prepared.keys.tagKeys).toEqual(['customer', 'team'])
    expect(bundle.redaction).toMatchObject({ tagKeys: ['customer'], detailKeys: ['prompt'] })
    expect(prepared.bytes).toBe(Buffer.byteLength(JSON.stringify(bundle)))
  })

  it('imports it into another console as a read-only offline environment every read can browse', async () => {
    const { environment } = (await importer.invoke('importIncidentBundle', {
      bundle: prepared.bundle
    })) as {
      environment: { id: string; kind: string; readOnly: boolean; name: string }
    }
    expect(environment).toMatchObject({ kind: 'bundle', readOnly: true })
    const state = (await importer.invoke('getConnectionState', {})) as {
      environmentId: string
      status: string
      message: string
    }
    expect(state).toMatchObject({ environmentId: environment.id, status: 'offline' })
    expect(state.message).toContain('incident bundle')

    const trace = (await importer.invoke('getTrace', { entityId: ids.mission })) as {
      root: {
        entityId: string
        children: Array<{ children: Array<{ entityId: string; state: string | null }> }>
      }
    }
    expect(trace.root.entityId).toBe(ids.mission)
    expect(trace.root.children[0]?.children[0]).toMatchObject({
      entityId: ids.job,
      state: 'pending'
    })
    const jobTrace = (await importer.invoke('getTrace', { entityId: ids.attempt })) as {
      chain: { job: { job_id: string } }
    }
    expect(jobTrace.chain.job.job_id).toBe(ids.job)

    const missions = (await importer.invoke('listMissions', {})) as {
      items: Array<{ entityId: string }>
    }
    expect(missions.items.map((m) => m.entityId)).toEqual([ids.mission])
    const audit = (await importer.invoke('queryAudit', { missionId: ids.mission })) as {
      events: Array<{ event_type: string }>
    }
    expect(audit.events.some((e) => e.event_type === 'tool_call')).toBe(true)
    const details = (await importer.invoke('getEntityDetails', { entityId: ids.attempt })) as {
      history: Array<{ to_state: string }>
    }
    expect(details.history.map((h) => h.to_state)).toEqual(['created', 'running'])
  })

  it('is refused for writes by the central read-only policy and cannot be made writable', async () => {
    const list = (await importer.invoke('listEnvironments', {})) as { activeId: string }
    const refused = await consoleError(
      importer.invoke('transitionEntity', {
        entityType: 'job',
        entityId: ids.job,
        transition: 'dependencies_met'
      })
    )
    expect(refused.code).toBe('read_only')
    expect(refused.message).toContain('incident bundle')
    const unlock = await consoleError(
      importer.invoke('updateEnvironment', { id: list.activeId, changes: { readOnly: false } })
    )
    expect(unlock.code).toBe('invalid_input')
    const credential = await consoleError(
      importer.invoke('setCredential', {
        environmentId: list.activeId,
        credential: { kind: 'token', token: 'x-token-123' }
      })
    )
    expect(credential.code).toBe('invalid_input')
  })

  it('stays listed after a restart of the console', async () => {
    await importer.dispose()
    importer = createLocalConsole(temp.engine, other.dir, { localEngine: null })
    const list = (await importer.invoke('listEnvironments', {})) as {
      environments: Array<{ kind: string }>
      warnings?: string[]
    }
    expect(list.environments.filter((e) => e.kind === 'bundle')).toHaveLength(1)
    const trace = (await importer.invoke('getTrace', { entityId: ids.mission })) as {
      root: { entityId: string }
    }
    expect(trace.root.entityId).toBe(ids.mission)
  })

  it('refuses a hostile bundle at the contract: wrong version, too many rows', async () => {
    const wrong = await consoleError(
      importer.invoke('importIncidentBundle', { bundle: { ...sampleIncidentBundle(), version: 2 } })
    )
    expect(wrong.code).toBe('invalid_input')
    expect(wrong.message).toContain('version 1')
    const huge = sampleIncidentBundle({ audit: Array.from({ length: 5_001 }, () => ({})) as never })
    expect(
      (await consoleError(importer.invoke('importIncidentBundle', { bundle: huge }))).code
    ).toBe('invalid_input')
  })

  it('cuts details nested deeper than a bundle may be, so the file still imports', async () => {
    let deep: Record<string, unknown> = { leaf: 1 }
    for (let i = 0; i < 59; i++) deep = { n: deep }
    const logged = await engineFetch(temp.engine, 'POST', '/audit/log', {
      mission_id: ids.mission,
      event_type: 'deep_details',
      event_category: 'execution',
      severity: 'info',
      message: 'deep',
      details: deep
    })
    expect(logged.status).toBe(201)
    const deepBundle = (await exporter.invoke('prepareIncidentBundle', {
      missionId: ids.mission
    })) as PreparedBundle
    const text = JSON.stringify(deepBundle.bundle)
    expect(findTooDeep(text, MAX_BUNDLE_DEPTH)).toBeNull()
    expect(text).toContain(tooDeepMarker(MAX_BUNDLE_DEPTH))
    expect(deepBundle.bytes).toBe(Buffer.byteLength(text))
    expect(readIncidentBundleText(text).ok).toBe(true)
  })

  it('scrubs secrets out of an imported bundle that carries them in its tags', async () => {
    const bundle = sampleIncidentBundle()
    const root = bundle.trace.root as unknown as { record: { tags: Record<string, string> } }
    root.record.tags = { team: 'search', password: 'hunter2-hunter2', note: `auth ${bearer}` }
    await importer.invoke('importIncidentBundle', { bundle })
    const trace = (await importer.invoke('getTrace', { entityId: 'm_00000000000a' })) as {
      root: { record: { tags: Record<string, string> } }
    }
    expect(trace.root.record.tags.team).toBe('search')
    expect(JSON.stringify(trace)).not.toContain('hunter2')
    expect(JSON.stringify(trace)).not.toContain('abcdefghijklmnopqrstuvwxyz0123')
  })
})

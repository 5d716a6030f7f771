// `controldeck envs|use|trace|audit` through the real argument parser, against the real engine over
// HTTP (as an ad-hoc --url environment and as the local engine) and the BRAiN-quirks fake.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEngine, type RunningEngine } from '../../../../engine'
import { StaticTokenAuth } from '../../client/auth'
import { BackendClient } from '../../client/backend-client'
import { seedChain, type SeededChain } from '../../client/testing/brain-seed'
import { startFakeBrain, type FakeBrain } from '../../client/testing/fake-brain'
import { EnvironmentStore } from '../../environments/environment-store'
import { auditLogEntry } from '../../testing/fixtures'
import { withoutKeychain } from '../../testing/no-keychain'
import { runCli, type CliIo } from '../args'
import { auditCommand } from './audit'
import { envsCommand } from './envs'
import { traceCommand } from './trace'
import { useCommand } from './use'

const COMMANDS = [envsCommand, useCommand, traceCommand, auditCommand]

describe('CLI data commands', () => {
  let dir: string
  let engine: RunningEngine
  let brain: FakeBrain
  let ids: SeededChain

  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = []
    const err: string[] = []
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), env: { ...process.env } }
    const code = await runCli(COMMANDS, [...args, '--data-dir', dir], io)
    return { code, out: out.join('\n'), err: err.join('\n') }
  }
  const adHoc = () => ['--url', engine.url, '--token', engine.adminToken]

  beforeAll(async () => {
    withoutKeychain()
    dir = await mkdtemp(join(tmpdir(), 'cd-cli-'))
    engine = await startEngine({
      dbPath: join(dir, 'remote-engine.db'),
      port: 0,
      quiet: true,
      rateLimit: false
    })
    brain = await startFakeBrain({ staticToken: 'brain-token' })
    const client = new BackendClient(engine.url, new StaticTokenAuth(engine.adminToken))
    ids = await seedChain(client, {
      tags: { team: 'ops' },
      jobType: 'tool_execution',
      transitions: { mission: ['create'], job: ['create'] }
    })
    await client.reportTelemetry({ entity_id: ids.attempt, llm_tokens: 1000, cost_credits: 0.5 })
    await client.reportTelemetry({ entity_id: ids.job, llm_tokens: 500 })
    await client.logAudit(
      auditLogEntry({
        mission_id: ids.mission,
        job_id: ids.job,
        message: 'started \u001b[31mred\u001b[0m <b>bold</b>',
        details: { step: 1 }
      })
    )
  })
  afterAll(async () => {
    await brain?.close()
    await engine?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('envs lists the local engine as active; use switches by name; unknown names exit 2', async () => {
    const store = await EnvironmentStore.load({ dataDir: dir, localUrl: null })
    await store.add({
      name: 'Staging',
      baseUrl: brain.url,
      authKind: 'bearer',
      color: 'amber',
      isProduction: true,
      readOnly: true
    })
    const listed = await cli(['envs', '--json'])
    expect(listed.code).toBe(0)
    const json = JSON.parse(listed.out) as {
      activeId: string
      environments: Array<{ id: string; hasCredential: boolean; color: string }>
    }
    expect(json.activeId).toBe('local')
    expect(json.environments.find((e) => e.id === 'staging')).toMatchObject({
      hasCredential: false,
      color: 'red'
    })
    // No Secret Service in this test process: `envs` says why no keychain is used and what to start.
    expect(JSON.parse(listed.out)).toMatchObject({
      keychain: { available: false, reason: 'no_service' }
    })

    expect(await cli(['use', 'staging'])).toMatchObject({
      code: 0,
      out: 'Now using Staging (staging).'
    })
    const text = (await cli(['envs'])).out
    expect(text).toMatch(/^\* staging\s+Staging .* PROD, read-only, bearer \(no credential\)$/m)
    expect(text).toMatch(
      /^keychain: No OS keychain is available: no Secret Service answering \(.+; start gnome-keyring in a D-Bus session/m
    )
    const missing = await cli(['use', 'nope'])
    expect(missing).toMatchObject({ code: 2, out: '' })
    expect(missing.err).toBe(
      'controldeck: There is no environment called "nope" (see `controldeck envs`).'
    )
    expect((await cli(['use', 'local'])).code).toBe(0)
  })

  it('trace prints the chain and the tree with states (ad-hoc --url)', async () => {
    const result = await cli(['trace', ids.attempt, ...adHoc()])
    expect(result.err).toBe('')
    expect(result.code).toBe(0)
    expect(result.out).toContain(`Trace of attempt ${ids.attempt}`)
    expect(result.out).toMatch(new RegExp(`^  mission\\s+${ids.mission} .* tags team=ops$`, 'm'))
    expect(result.out).toMatch(
      new RegExp(
        `^      job ${ids.job} \\[pending\\] tool_execution · 1,500 tokens · 0.5 credits · 1 attempt · 0 retries · 0 violations · not started$`,
        'm'
      )
    )
    expect(result.out).toMatch(new RegExp(`^        attempt ${ids.attempt} #1  <$`, 'm'))
    expect(result.out).toMatch(
      new RegExp(
        `^    plan p_[0-9a-f]{12} sequential · 1,500 tokens · 0.5 credits · 1 attempt`,
        'm'
      )
    )
    // The mission's roll-up holds its jobs' consumption (it reported nothing itself).
    expect(result.out).toMatch(
      new RegExp(
        `^  mission ${ids.mission} \\[pending\\] tags team=ops · 1,500 tokens · 0.5 credits · 1 attempt`,
        'm'
      )
    )
    const json = JSON.parse((await cli(['trace', ids.job, '--json', ...adHoc()])).out) as {
      root: { entityId: string }
      rollups: Record<string, { tokens: number; cost: number }>
    }
    expect(json.root.entityId).toBe(ids.mission)
    expect(json.rollups[ids.mission]).toMatchObject({ tokens: 1500, cost: 0.5 })
  })

  it('trace exits 2 for an unknown id (engine, local engine, and BRAiN answering 500) and 1 for bad input', async () => {
    const unknown = await cli(['trace', 'j_0123456789ab', ...adHoc()])
    expect(unknown).toMatchObject({ code: 2, out: '' })
    expect(unknown.err).toMatch(
      /^controldeck: No job with the id j_0123456789ab exists on "Ad-hoc \(http:\/\/127\.0\.0\.1:\d+\)"\.$/
    )

    // The local engine, started by the command itself on the data dir's engine.db.
    expect((await cli(['trace', 'm_0123456789ab'])).code).toBe(2)

    const onBrain = await cli([
      'trace',
      'a_0123456789ab',
      '--url',
      brain.url,
      '--token',
      'brain-token'
    ])
    expect(onBrain.code).toBe(2)
    expect(onBrain.err).toContain('No attempt with the id a_0123456789ab exists')

    const bad = await cli(['trace', 'x_123'])
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/^controldeck: x_123: must be an entity ID/)
  })

  it('reports an unreachable backend as one line, exit 1, no stack trace', async () => {
    const closed = await startFakeBrain()
    const url = closed.url
    await closed.close()
    const result = await cli(['trace', ids.attempt, '--url', url])
    expect(result.code).toBe(1)
    expect(result.err.split('\n')).toHaveLength(1)
    expect(result.err).toMatch(
      /^controldeck: The backend at http:\/\/127\.0\.0\.1:\d+ is not reachable \(ECONNREFUSED\)\. ControlDeck has nothing cached for this yet\.$/
    )
  })

  it('audit filters by mission and job, strips terminal escapes, and validates flags', async () => {
    const text = await cli(['audit', '--mission', ids.mission, ...adHoc()])
    expect(text.code).toBe(0)
    expect(text.out).toContain('started [31mred [0m <b>bold</b>')
    expect(text.out).not.toContain('\u001b')
    // The engine audits each transition too: mission create, job create, and the logged event.
    expect(text.out).toMatch(/^3 of 3 events$/m)
    const json = JSON.parse((await cli(['audit', '--job', ids.job, '--json', ...adHoc()])).out) as {
      events: Array<{ job_id: string }>
      total: number
    }
    expect(json.total).toBe(2)
    expect(json.events.map((e) => e.job_id)).toEqual([ids.job, ids.job])
    const bad = await cli(['audit', '--severity', 'apocalyptic', ...adHoc()])
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(
      /^controldeck: --severity: severity must be one of info, warning, error, critical$/
    )
  })

  it('audit on BRAiN with its JSON-object bug says so instead of failing', async () => {
    brain.addAudit({ message: 'boom', details: { why: 'metadata' } })
    const result = await cli(['audit', '--url', brain.url])
    expect(result.code).toBe(0)
    expect(result.out).toContain('The backend cannot return this history (known BRAiN bug)')
  })
})

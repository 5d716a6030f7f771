// `controldeck envs|use` through the real argument parser and the console's dispatch
// (listEnvironments, getKeychainStatus, switchEnvironment), on a data folder of their own: the
// output is the one the commands printed when they read the settings files themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EnvironmentStore } from '../../environments/environment-store'
import { startBlackHole } from '../../testing/black-hole'
import { withoutKeychain } from '../../testing/no-keychain'
import { makeTempDir } from '../../testing/temp-dir'
import { runCli, type CliIo } from '../args'
import { envsCommand } from './envs'
import { useCommand } from './use'

const COMMANDS = [envsCommand, useCommand]
// Port 9 (discard) on loopback: nothing listens, so a probe is refused at once.
const STAGING_URL = 'http://127.0.0.1:9'
const DEV_URL = 'http://127.0.0.1:9/dev'
let data: ReturnType<typeof makeTempDir>

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), env: { ...process.env } }
  const code = await runCli(COMMANDS, [...args, '--data-dir', data.dir], io)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

beforeAll(async () => {
  withoutKeychain()
  data = makeTempDir('cd-cli-envs-')
  const store = await EnvironmentStore.load({ dataDir: data.dir, localUrl: null })
  await store.add({
    name: 'Staging',
    baseUrl: STAGING_URL,
    authKind: 'bearer',
    color: 'amber',
    isProduction: true,
    readOnly: true
  })
  await store.add({
    name: 'Dev box',
    baseUrl: DEV_URL,
    authKind: 'none',
    color: 'green',
    isProduction: false,
    readOnly: false
  })
})

afterAll(() => data.remove())

describe('controldeck envs and use, through the console dispatch', () => {
  it('envs prints one line per environment, * on the active one, and why no keychain is used', async () => {
    const listed = await cli(['envs'])
    expect(listed).toMatchObject({ code: 0, err: '' })
    const lines = listed.out.split('\n')
    expect(lines.slice(0, 3)).toEqual([
      '* local                Local engine                 (started per command)',
      `  staging              Staging                      ${STAGING_URL.padEnd(36)} PROD, read-only, bearer (no credential)`,
      `  dev-box              Dev box                      ${DEV_URL}`
    ])
    expect(lines[3]).toMatch(/^keychain: No OS keychain is available: no Secret Service answering/)
    expect(lines).toHaveLength(4)
  })

  it('envs --json lists the console views with the active flag, the keychain and warnings', async () => {
    const listed = await cli(['envs', '--json'])
    expect(listed.code).toBe(0)
    const json = JSON.parse(listed.out) as {
      environments: Array<Record<string, unknown>>
      activeId: string
      keychain: { available: boolean; reason: string | null }
      warnings: string[]
    }
    expect(Object.keys(json)).toEqual(['environments', 'activeId', 'keychain', 'warnings'])
    expect(json.activeId).toBe('local')
    expect(json.keychain).toMatchObject({ available: false, reason: 'no_service' })
    expect(json.warnings).toEqual([])
    expect(json.environments.map((e) => [e.id, e.active])).toEqual([
      ['local', true],
      ['staging', false],
      ['dev-box', false]
    ])
    expect(json.environments[1]).toEqual({
      id: 'staging',
      name: 'Staging',
      kind: 'remote',
      baseUrl: STAGING_URL,
      authKind: 'bearer',
      color: 'red',
      isProduction: true,
      readOnly: true,
      hasCredential: false,
      credentialStorage: 'none',
      active: false
    })
    expect(json.environments[0]).toMatchObject({ kind: 'embedded', baseUrl: '', color: 'grey' })
  })

  it('use switches by name or id, saves the choice for the app, and envs marks it', async () => {
    expect(await cli(['use', 'dev BOX'])).toEqual({
      code: 0,
      out: 'Now using Dev box (dev-box).',
      err: ''
    })
    expect((await EnvironmentStore.load({ dataDir: data.dir, localUrl: null })).activeId).toBe(
      'dev-box'
    )
    expect((await cli(['envs'])).out).toMatch(/^\* dev-box {14}Dev box/m)
    expect(JSON.parse((await cli(['use', 'staging', '--json'])).out)).toEqual({
      activeId: 'staging',
      name: 'Staging'
    })
    expect((await cli(['envs'])).out).toMatch(/^\* staging .* PROD, read-only, bearer/m)
    expect((await cli(['use', 'local'])).out).toBe('Now using Local engine (local).')
  })

  it('use refuses unknown environments (exit 2), misuse and --url (exit 1) in one line', async () => {
    expect(await cli(['use', 'nope'])).toEqual({
      code: 2,
      out: '',
      err: 'controldeck: There is no environment called "nope" (see `controldeck envs`).'
    })
    expect(await cli(['use'])).toMatchObject({
      code: 1,
      err: 'controldeck: usage: controldeck use <env> (see controldeck envs)'
    })
    expect(await cli(['use', 'staging', '--url', STAGING_URL])).toMatchObject({
      code: 1,
      err: 'controldeck: use cannot be combined with --url (an ad-hoc environment is never saved)'
    })
    expect(await cli(['envs', 'extra'])).toMatchObject({
      code: 1,
      err: 'controldeck: envs takes no arguments (got "extra")'
    })
    expect((await EnvironmentStore.load({ dataDir: data.dir, localUrl: null })).activeId).toBe(
      'local'
    )
  })

  it('lists and switches without asking the active backend (one that never answers)', async () => {
    const hole = await startBlackHole()
    try {
      const store = await EnvironmentStore.load({ dataDir: data.dir, localUrl: null })
      await store.add(hole.environment())
      expect(await cli(['use', 'hung'])).toEqual({
        code: 0,
        out: 'Now using Hung (hung).',
        err: ''
      })
      const listed = await cli(['envs'])
      expect(listed).toMatchObject({ code: 0, err: '' })
      expect(listed.out).toMatch(/^\* hung {17}Hung/m)
      expect(await cli(['use', 'local'])).toMatchObject({ code: 0 })
      expect(hole.connections()).toBe(0)
    } finally {
      await hole.close()
    }
  })
})

import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EnvironmentInput } from '../../../shared/console/domains/environments'
import { ENVIRONMENTS_FILE, EnvironmentStore } from './environment-store'

describe('EnvironmentStore', () => {
  let dataDir: string
  const load = (adHoc?: { url: string; hasToken: boolean }) =>
    EnvironmentStore.load({ dataDir, localUrl: 'http://127.0.0.1:4100', adHoc })
  /** What the add form sends for `name`: no auth, blue, not production, writable, unless `fields` say. */
  const input = (name: string, fields: Partial<EnvironmentInput> = {}): EnvironmentInput => ({
    name,
    baseUrl: `http://${name}.example`,
    authKind: 'none',
    color: 'blue',
    isProduction: false,
    readOnly: false,
    ...fields
  })

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cd-envs-'))
  })
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('always has the local engine, active by default, with no file yet', async () => {
    const store = await load()
    expect(store.list().map((p) => [p.id, p.kind, p.builtIn])).toEqual([
      ['local', 'embedded', true]
    ])
    expect(store.activeId).toBe('local')
    expect(store.warnings).toEqual([])
  })

  it('adds, edits, duplicates, switches and removes, and persists across loads', async () => {
    const store = await load()
    const staging = await store.add(
      input('Staging', {
        baseUrl: 'https://brain.staging.example.com/',
        authKind: 'brain_login',
        color: 'amber'
      })
    )
    expect(staging).toMatchObject({
      id: 'staging',
      baseUrl: 'https://brain.staging.example.com',
      kind: 'remote'
    })
    const copy = await store.duplicate('staging')
    expect(copy).toMatchObject({
      id: 'staging-copy',
      name: 'Staging copy',
      authKind: 'brain_login'
    })
    await store.update('staging-copy', { name: 'Prod', isProduction: true, readOnly: true })
    await store.setActive('staging-copy')
    await expect(store.add(input('prod', { baseUrl: 'http://x.example' }))).rejects.toThrow(
      'An environment called "prod" already exists.'
    )

    const again = await load()
    expect(again.activeId).toBe('staging-copy')
    expect(again.get('staging-copy')).toMatchObject({
      name: 'Prod',
      isProduction: true,
      readOnly: true
    })
    await again.remove('staging-copy')
    expect(again.activeId).toBe('local')
    expect((await load()).list().map((p) => p.id)).toEqual(['local', 'staging'])
  })

  it('lets the local engine change only its colour and read-only flag', async () => {
    const store = await load()
    await store.update('local', { readOnly: true, color: 'green' })
    expect((await load()).get('local')).toMatchObject({
      readOnly: true,
      color: 'green',
      builtIn: true
    })
    await expect(store.update('local', { baseUrl: 'http://elsewhere.example' })).rejects.toThrow(
      'cannot be changed'
    )
    await expect(store.remove('local')).rejects.toThrow('Built-in environments cannot be removed')
  })

  it('keeps a broken file aside as .bak and says so, never resetting it silently', async () => {
    const path = join(dataDir, ENVIRONMENTS_FILE)
    await writeFile(path, '{"version": 1, "environments": [')
    const store = await load()
    expect(store.list().map((p) => p.id)).toEqual(['local'])
    expect(store.warnings[0]).toContain('not valid JSON')
    expect(store.warnings[0]).toContain(`${path}.bak`)
    expect(await readFile(`${path}.bak`, 'utf8')).toBe('{"version": 1, "environments": [')
    expect(existsSync(path)).toBe(false)

    // A second broken file does not overwrite the first backup.
    await writeFile(path, '[]')
    const next = await load()
    expect(next.warnings[0]).toContain('expected shape')
    expect((await readdir(dataDir)).filter((f) => f.endsWith('.bak'))).toHaveLength(2)
  })

  it('skips invalid entries, keeps the good ones, and backs the original up', async () => {
    const path = join(dataDir, ENVIRONMENTS_FILE)
    const original = JSON.stringify({
      version: 1,
      activeId: 'dev',
      environments: [
        { id: 'dev', name: 'Dev', baseUrl: 'http://dev.example:8000', token: 'leaked-secret' },
        { id: 'bad', name: 'Bad', baseUrl: 'ftp://nope' },
        { id: 'local', name: 'Mine', baseUrl: 'http://x.example' }
      ]
    })
    await writeFile(path, original)
    const store = await load()
    expect(store.list().map((p) => p.id)).toEqual(['local', 'dev'])
    expect(store.activeId).toBe('dev')
    expect(store.warnings[0]).toContain('entry 2: baseUrl')
    expect(store.warnings[0]).toContain('entry 3: id')
    expect(await readFile(`${path}.bak`, 'utf8')).toBe(original)
    // The next save rewrites the file without the stray secret.
    await store.setActive('local')
    expect(await readFile(path, 'utf8')).not.toContain('leaked-secret')
  })

  it('exports without secrets and imports, skipping clashes and reporting bad entries', async () => {
    const store = await load()
    await store.add(input('Dev', { baseUrl: 'http://dev.example', authKind: 'bearer' }))
    const json = store.exportJson()
    expect(JSON.parse(json)).toEqual({
      controldeck: 'environments',
      version: 1,
      environments: [
        {
          id: 'dev',
          name: 'Dev',
          baseUrl: 'http://dev.example',
          authKind: 'bearer',
          color: 'blue',
          isProduction: false,
          readOnly: false
        }
      ]
    })

    const other = JSON.stringify([
      { id: 'dev', name: 'Dev', baseUrl: 'http://dev.example' },
      { id: 'qa', name: 'QA', baseUrl: 'https://qa.example', password: 'hunter2' },
      { id: 'Bad Id', name: 'x', baseUrl: 'http://x.example' }
    ])
    const result = await store.importJson(other)
    expect(result.added).toBe(1)
    expect(result.skipped).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^Entry 3: id /)
    expect(await readFile(join(dataDir, ENVIRONMENTS_FILE), 'utf8')).not.toContain('hunter2')
    await expect(store.importJson('not json')).rejects.toThrow('not valid JSON')
    await expect(store.importJson('{"foo": 1}')).rejects.toThrow(
      'not a ControlDeck environments export'
    )
  })

  it('gives every profile its own credential id: kept on disk, never exported, never taken from an import or a copy', async () => {
    const hex = /^[0-9a-f]{32}$/
    const store = await load()
    const prod = await store.add(
      input('Prod', {
        baseUrl: 'https://prod.example',
        authKind: 'bearer',
        color: 'red',
        isProduction: true
      })
    )
    expect(prod.credentialId).toMatch(hex)
    const copy = await store.duplicate('prod')
    expect(copy.credentialId).toMatch(hex)
    expect(copy.credentialId).not.toBe(prod.credentialId)
    expect((await load()).get('prod').credentialId).toBe(prod.credentialId)
    expect(store.exportJson()).not.toContain(prod.credentialId)
    expect(store.exportJson()).not.toContain('credentialId')

    // A team file naming a profile's credential id (or a lost file's) does not get it.
    const fresh = await EnvironmentStore.load({
      dataDir: await mkdtemp(join(tmpdir(), 'cd-envs-import-')),
      localUrl: null
    })
    await fresh.importJson(
      JSON.stringify([
        {
          id: 'prod',
          name: 'Prod',
          baseUrl: 'https://evil.example',
          authKind: 'bearer',
          credentialId: prod.credentialId
        }
      ])
    )
    expect(fresh.get('prod').credentialId).toMatch(hex)
    expect(fresh.get('prod').credentialId).not.toBe(prod.credentialId)
    await rm(fresh.dataDir, { recursive: true, force: true })
  })

  it('leaves profiles saved before secrets were bound without an id until bound, and never lets two entries share one', async () => {
    const path = join(dataDir, ENVIRONMENTS_FILE)
    const shared = 'ab'.repeat(16)
    await writeFile(
      path,
      JSON.stringify({
        version: 1,
        environments: [
          { id: 'old', name: 'Old', baseUrl: 'https://old.example', authKind: 'bearer' },
          {
            id: 'one',
            name: 'One',
            baseUrl: 'https://one.example',
            authKind: 'bearer',
            credentialId: shared
          },
          {
            id: 'two',
            name: 'Two',
            baseUrl: 'https://two.example',
            authKind: 'bearer',
            credentialId: shared
          },
          {
            id: 'odd',
            name: 'Odd',
            baseUrl: 'https://odd.example',
            authKind: 'bearer',
            credentialId: 'prod'
          }
        ]
      })
    )
    const store = await load()
    expect(store.get('old').credentialId).toBe('')
    expect(store.get('one').credentialId).toBe(shared)
    expect(store.get('two').credentialId).toMatch(/^[0-9a-f]{32}$/)
    expect(store.get('two').credentialId).not.toBe(shared)
    expect(store.get('odd').credentialId).toMatch(/^[0-9a-f]{32}$/)
    expect(store.legacyProfiles().map((p) => p.id)).toEqual(['old'])
    // An unrelated save keeps it unbound (the move of its old secret is still to come).
    await store.setActive('one')
    expect((await load()).get('old').credentialId).toBe('')

    const bound = await store.bindLegacyProfiles()
    expect(bound.map((p) => p.id)).toEqual(['old'])
    expect((await load()).get('old').credentialId).toBe(bound[0]?.credentialId)
    expect(store.legacyProfiles()).toEqual([])
  })

  it('lists an ad-hoc --url environment as active without saving it', async () => {
    const store = await load({ url: 'http://10.0.0.5:8000', hasToken: true })
    expect(store.activeId).toBe('adhoc')
    expect(store.get('adhoc')).toMatchObject({ authKind: 'bearer', builtIn: true, kind: 'remote' })
    await store.add(input('Dev', { baseUrl: 'http://dev.example' }))
    expect(await readFile(join(dataDir, ENVIRONMENTS_FILE), 'utf8')).not.toContain('10.0.0.5')
  })
  it('keeps every change when writes overlap (one file, no leftover temp files)', async () => {
    const store = await load()
    // The renderer may fire several calls at once (an import while the operator switches); each
    // write used to share one temp file, so the second rename failed with ENOENT.
    await Promise.all([
      store.add(input('a')),
      store.add(input('b')),
      store.add(input('c')),
      store.setActive('local')
    ])
    expect((await load()).list().map((p) => p.id)).toEqual(['local', 'a', 'b', 'c'])
    expect((await readdir(dataDir)).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('keeps imported bundle environments: read-only for good, never exported, never given a credential', async () => {
    const store = await load()
    const bundle = await store.addBundle('Prod · m_0123456789ab')
    const again = await store.addBundle('Prod · m_0123456789ab')
    expect(bundle).toMatchObject({
      kind: 'bundle',
      readOnly: true,
      baseUrl: '',
      authKind: 'none',
      credentialId: ''
    })
    expect(again.name).toBe('Prod · m_0123456789ab (2)')
    await expect(store.update(bundle.id, { readOnly: false })).rejects.toThrow(/read-only for good/)
    await expect(store.update(bundle.id, { baseUrl: 'http://127.0.0.1:9' })).rejects.toThrow(
      /baseUrl/
    )
    await expect(store.duplicate(bundle.id)).rejects.toThrow(/cannot be duplicated/)
    await store.update(bundle.id, { name: 'Incident 42', color: 'green' })
    expect(JSON.parse(store.exportJson()).environments).toEqual([])
    expect(store.legacyProfiles()).toEqual([])

    const saved = JSON.parse(await readFile(join(dataDir, ENVIRONMENTS_FILE), 'utf8')) as {
      environments: unknown[]
    }
    expect(saved.environments[0]).toEqual({
      kind: 'bundle',
      id: bundle.id,
      name: 'Incident 42',
      color: 'green'
    })
    const reloaded = await load()
    expect(reloaded.get(bundle.id)).toMatchObject({
      kind: 'bundle',
      name: 'Incident 42',
      readOnly: true
    })
    expect(reloaded.warnings).toEqual([])
  })

  it('skips a bundle entry that does not validate, keeping the others', async () => {
    await writeFile(
      join(dataDir, ENVIRONMENTS_FILE),
      JSON.stringify({
        version: 1,
        environments: [
          { kind: 'bundle', id: 'Bad Id!', name: 'x' },
          { kind: 'bundle', id: 'ok-1', name: 'Fine' }
        ]
      })
    )
    const store = await load()
    expect(store.list().map((p) => p.id)).toEqual(['local', 'ok-1'])
    expect(store.warnings[0]).toContain('entry 1')
  })
})

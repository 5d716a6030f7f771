import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CacheStore } from './cache/cache-store'
import { writeJsonFile } from './desktop/json-file'
import { startEngineHost } from './engine-host'
import { ensurePrivateDir } from './private-dir'
import { makeTempDir } from './testing/temp-dir'

const modeOf = (path: string): number => statSync(path).mode & 0o777

describe.skipIf(process.platform === 'win32')('the data folder is private', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })
  const temp = (): string => {
    const t = makeTempDir('cd-private-')
    cleanups.push(t.remove)
    return t.dir
  }

  it('is created 0700 by the engine host, the cache and settings, with its databases 0600', async () => {
    const base = temp()
    const dataDir = join(base, 'config', 'ControlDeck')
    const logged: string[] = []
    const host = await startEngineHost({ dataDir, log: (message) => logged.push(message) })
    cleanups.push(() => host.close())
    expect(modeOf(join(base, 'config'))).toBe(0o700)
    expect(modeOf(dataDir)).toBe(0o700)
    expect(modeOf(host.dbPath)).toBe(0o600)
    expect(modeOf(join(dataDir, 'otlp-ingest-token'))).toBe(0o600)
    expect(logged).toEqual([])

    const cache = CacheStore.open(join(dataDir, 'cache', 'env.db'))
    cleanups.push(() => cache.close())
    expect(modeOf(join(dataDir, 'cache'))).toBe(0o700)
    expect(modeOf(join(dataDir, 'cache', 'env.db'))).toBe(0o600)
    expect(modeOf(join(dataDir, 'cache', 'env.db-wal'))).toBe(0o600)

    const other = join(temp(), 'settings-only')
    writeJsonFile(join(other, 'window-state.json'), { x: 1 })
    expect(modeOf(other)).toBe(0o700)
    expect(modeOf(join(other, 'window-state.json'))).toBe(0o600)
  })

  it('tightens an existing folder that holds only its own files, and says so', () => {
    const dataDir = join(temp(), 'ControlDeck')
    mkdirSync(join(dataDir, 'cache'), { recursive: true })
    writeFileSync(join(dataDir, 'environments.json'), '{}', { mode: 0o600 })
    writeFileSync(join(dataDir, 'engine.db'), '')
    chmodSync(dataDir, 0o755)
    expect(ensurePrivateDir(dataDir)).toBe(
      `data folder ${dataDir} was open to other users (mode 755); it is now 700`
    )
    expect(modeOf(dataDir)).toBe(0o700)
    expect(ensurePrivateDir(dataDir)).toBeNull()
  })

  it('leaves a folder with other files as it is, and warns', () => {
    const shared = temp()
    writeFileSync(join(shared, '.profile'), '')
    writeFileSync(join(shared, 'engine.db'), '')
    chmodSync(shared, 0o750)
    expect(ensurePrivateDir(shared)).toMatch(
      /^data folder .+ is open to other users \(mode 750\) and is not only the console's, so it was left as it is; .* run chmod 700 on it/
    )
    expect(modeOf(shared)).toBe(0o750)
  })

  it('tightens a cache folder of old databases, never an empty folder it did not make, nor one behind a link', () => {
    const dataDir = join(temp(), 'ControlDeck')
    const cacheDir = join(dataDir, 'cache')
    mkdirSync(cacheDir, { recursive: true })
    writeFileSync(join(cacheDir, 'staging.db'), '')
    writeFileSync(join(cacheDir, 'staging.db-wal'), '')
    chmodSync(cacheDir, 0o755)
    const cache = CacheStore.open(join(cacheDir, 'prod.db'))
    cache.close()
    expect(modeOf(cacheDir)).toBe(0o700)

    const empty = join(temp(), 'Public')
    mkdirSync(empty)
    chmodSync(empty, 0o755)
    expect(ensurePrivateDir(empty)).toMatch(/is not only the console's, so it was left as it is/)
    expect(modeOf(empty)).toBe(0o755)

    const target = join(temp(), 'shared')
    mkdirSync(target)
    writeFileSync(join(target, 'environments.json.1.tmp'), '')
    chmodSync(target, 0o755)
    const link = join(temp(), 'data-link')
    symlinkSync(target, link)
    expect(ensurePrivateDir(link)).toMatch(/is not only the console's/)
    expect(modeOf(target)).toBe(0o755)
  })
})

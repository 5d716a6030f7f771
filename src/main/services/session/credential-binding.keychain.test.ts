import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ConsoleService } from '../console-service'
import { createTestConsole } from '../testing/test-console'
import {
  LEGACY_KEYCHAIN_SERVICE,
  canonicalDataDir,
  keychainServiceFor
} from '../credentials/binding'
import { loadKeychain, type Keychain } from '../credentials/keychain'
import { startRecordingBackend, type RecordingBackend } from '../testing/recording-backend'
import { makeTempDir } from '../testing/temp-dir'

interface View {
  id: string
  hasCredential: boolean
}

// Inside dbus-run-session with an unlocked gnome-keyring (scripts/keychain-session.mjs). Every
// data folder of this file shares that one keychain, as the data folders of one user do.
describe('a saved secret reaches only the server and the data folder it was entered for (real keychain)', () => {
  const temp = makeTempDir('cd-binding-')
  const token = `prod-token-${randomBytes(12).toString('hex')}`
  const folders: string[] = []
  let keychain: Keychain
  let a: RecordingBackend
  let b: RecordingBackend

  const folder = (name: string) => {
    const dir = join(temp.dir, name)
    folders.push(dir)
    return dir
  }
  /** Runs `use` on a console of data folder `dir` (no local engine), then disposes of it. */
  const withConsole = async (dir: string, use: (service: ConsoleService) => Promise<void>) => {
    const service = createTestConsole(dir)
    try {
      await use(service)
    } finally {
      await service.dispose()
    }
  }
  /** Makes `id` active and asks its backend for something that needs the credential. */
  const use = async (service: ConsoleService, id: string) => {
    const state = (await service.invoke('switchEnvironment', { id })) as { message: string | null }
    await service.invoke('getTrace', { entityId: 'm_0123456789ab' }).catch(() => undefined)
    return state
  }
  const view = async (service: ConsoleService, id: string) =>
    ((await service.invoke('listEnvironments', {})) as { environments: View[] }).environments.find(
      (e) => e.id === id
    )
  const addProd = async (service: ConsoleService, baseUrl: string) =>
    (await service.invoke('addEnvironment', {
      name: 'Prod',
      baseUrl,
      authKind: 'bearer',
      isProduction: true
    })) as View
  /** A data folder `dir` whose "prod" profile (at backend a) has the token saved, service closed again. */
  const saveProd = (dir: string) =>
    withConsole(dir, async (first) => {
      await addProd(first, a.url)
      await first.invoke('setCredential', {
        environmentId: 'prod',
        credential: { kind: 'token', token }
      })
    })
  const teamFile = (baseUrl: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      controldeck: 'environments',
      version: 1,
      environments: [
        { id: 'prod', name: 'Prod', baseUrl, authKind: 'bearer', isProduction: true, ...extra }
      ]
    })

  beforeAll(async () => {
    const loaded = await loadKeychain({ service: LEGACY_KEYCHAIN_SERVICE, timeoutMs: 3_000 })
    if (!loaded.keychain)
      throw new Error(`no keychain in this test session: ${loaded.problem?.detail}`)
    keychain = loaded.keychain
    ;[a, b] = await Promise.all([startRecordingBackend(), startRecordingBackend()])
  })
  beforeEach(() => {
    a.requests.length = 0
    b.requests.length = 0
  })
  afterAll(async () => {
    for (const dir of folders) {
      const service = keychainServiceFor(canonicalDataDir(dir))
      for (const entry of await keychain.findCredentials(service))
        await keychain.deletePassword(service, entry.account)
    }
    await keychain.deletePassword(LEGACY_KEYCHAIN_SERVICE, 'prod')
    await Promise.all([a?.close(), b?.close()])
    temp.remove()
  })

  it('another data folder with a profile of the same name gets nothing, at another URL or at the same one', async () => {
    await withConsole(folder('one'), async (one) => {
      expect((await addProd(one, a.url)).id).toBe('prod')
      await one.invoke('setCredential', {
        environmentId: 'prod',
        credential: { kind: 'token', token }
      })
      await use(one, 'prod')
      // The control: where it was entered for, the token is sent.
      expect(a.requests.some((r) => r.authorization === `Bearer ${token}`)).toBe(true)
    })

    await withConsole(folder('two'), async (two) => {
      expect((await addProd(two, b.url)).id).toBe('prod')
      const state = await use(two, 'prod')
      expect(b.requests.length).toBeGreaterThan(0)
      expect(b.received(token)).toBe(false)
      expect(state.message).toMatch(/^"Prod" needs a bearer token: set one in its settings\.$/)
      expect(await view(two, 'prod')).toMatchObject({ hasCredential: false })
    })

    a.requests.length = 0
    await withConsole(folder('three'), async (three) => {
      await addProd(three, a.url)
      await use(three, 'prod')
      expect(a.requests.length).toBeGreaterThan(0)
      expect(a.received(token)).toBe(false)
      expect(await view(three, 'prod')).toMatchObject({ hasCredential: false })
    })
  })

  it('after environments.json failed to load and was kept aside, an imported team profile "prod" at another URL gets nothing', async () => {
    const dir = folder('lost')
    await saveProd(dir)
    const saved = JSON.parse(await readFile(join(dir, 'environments.json'), 'utf8')) as {
      environments: Array<{ credentialId: string }>
    }
    const credentialId = saved.environments[0]?.credentialId
    expect(credentialId).toMatch(/^[0-9a-f]{32}$/)
    await writeFile(join(dir, 'environments.json'), '{"version": 1, "environments": [')

    await withConsole(dir, async (next) => {
      const list = (await next.invoke('listEnvironments', {})) as {
        environments: View[]
        warnings: string[]
      }
      expect(list.environments.map((e) => e.id)).toEqual(['local'])
      expect(list.warnings[0]).toContain('kept aside')
      // Even a file that names the lost profile's credential id does not get its secret.
      expect(
        await next.invoke('importEnvironments', { json: teamFile(b.url, { credentialId }) })
      ).toMatchObject({ added: 1 })
      const state = await use(next, 'prod')
      expect(b.received(token)).toBe(false)
      expect(state.message).toContain('needs a bearer token')
      expect(await view(next, 'prod')).toMatchObject({ hasCredential: false })
    })
  })

  it('a profile moved to another server by editing environments.json is refused its secret, and says so', async () => {
    const dir = folder('edited')
    await saveProd(dir)
    const path = join(dir, 'environments.json')
    await writeFile(path, (await readFile(path, 'utf8')).replace(a.url, b.url))

    await withConsole(dir, async (next) => {
      const state = await use(next, 'prod')
      expect(b.received(token)).toBe(false)
      expect(state.message).toBe(
        `"Prod" needs a bearer token (the one saved was entered for ${a.url}, not ${b.url}): set one in its settings.`
      )
      expect(await view(next, 'prod')).toMatchObject({ hasCredential: false })
    })
  })

  it('an entry of an earlier version (account = "prod") is never adopted by an import or a new profile, and moves once to a profile saved by that version', async () => {
    await keychain.setPassword(
      LEGACY_KEYCHAIN_SERVICE,
      'prod',
      JSON.stringify({ kind: 'token', token })
    )

    await withConsole(folder('fresh-import'), async (imported) => {
      await imported.invoke('importEnvironments', { json: teamFile(b.url) })
      await use(imported, 'prod')
      expect(b.requests.length).toBeGreaterThan(0)
      expect(b.received(token)).toBe(false)
    })
    await withConsole(folder('fresh-add'), async (added) => {
      await addProd(added, b.url)
      await use(added, 'prod')
      expect(b.received(token)).toBe(false)
      expect(await view(added, 'prod')).toMatchObject({ hasCredential: false })
    })
    expect(b.received(token)).toBe(false)
    expect(await keychain.getPassword(LEGACY_KEYCHAIN_SERVICE, 'prod')).not.toBeNull()

    // A data folder whose environments.json the earlier version wrote (no credential ids).
    const preBinding = (baseUrl: string) =>
      JSON.stringify({
        version: 1,
        activeId: 'prod',
        environments: [
          { id: 'prod', name: 'Prod', baseUrl, authKind: 'bearer', isProduction: true }
        ]
      })
    const upgradedDir = folder('upgraded')
    await mkdirAndWrite(join(upgradedDir, 'environments.json'), preBinding(a.url))
    await withConsole(upgradedDir, async (upgraded) => {
      expect(await view(upgraded, 'prod')).toMatchObject({
        hasCredential: true,
        credentialStorage: 'keychain'
      })
      await use(upgraded, 'prod')
      expect(a.requests.some((r) => r.authorization === `Bearer ${token}`)).toBe(true)
    })
    expect(await keychain.getPassword(LEGACY_KEYCHAIN_SERVICE, 'prod')).toBeNull()
    expect(await readFile(join(upgradedDir, 'environments.json'), 'utf8')).toMatch(
      /"credentialId": "[0-9a-f]{32}"/
    )

    // Moved once: a second folder of that version pointing elsewhere finds nothing.
    const secondDir = folder('upgraded-too')
    await mkdirAndWrite(join(secondDir, 'environments.json'), preBinding(b.url))
    await withConsole(secondDir, async (second) => {
      await use(second, 'prod')
      expect(b.received(token)).toBe(false)
      expect(await view(second, 'prod')).toMatchObject({ hasCredential: false })
    })
  })
})

async function mkdirAndWrite(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, text)
}

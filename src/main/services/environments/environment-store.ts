import { existsSync } from 'node:fs'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { ConsoleErrorCode } from '../../../shared/console/errors'
import {
  EnvironmentChangesSchema,
  EnvironmentInputSchema,
  LOCAL_ENVIRONMENT_ID,
  type EnvironmentChanges,
  type EnvironmentColor,
  type EnvironmentInput
} from '../../../shared/console/domains/environments'
import { CredentialIdSchema, newCredentialId } from '../credentials/binding'
import { ensurePrivateDir } from '../private-dir'
import {
  AD_HOC_ENVIRONMENT_ID,
  EnvironmentsFileSchema,
  StoredBundleProfileSchema,
  StoredProfileSchema,
  fromStored,
  fromStoredBundle,
  makeEnvironmentId,
  toSaved,
  toStored,
  type EnvironmentProfile
} from './profile'

/** File name of the saved profiles inside the data directory. */
export const ENVIRONMENTS_FILE = 'environments.json'

/** Thrown for a request the store refuses (unknown id, editing the built-in one…): the message is a sentence. */
export class EnvironmentError extends Error {
  constructor(
    readonly code: Extract<ConsoleErrorCode, 'not_found' | 'invalid_input' | 'conflict'>,
    message: string
  ) {
    super(message)
    this.name = 'EnvironmentError'
  }
}

export interface EnvironmentStoreOptions {
  dataDir: string
  /** Base URL of the embedded engine of this launch, or null when none runs. */
  localUrl: string | null
  /** An unsaved environment from `--url` (listed, active, never written to disk). */
  adHoc?: { url: string; hasToken: boolean } | null
}

/** The export/import file: remote profiles only, never a secret. */
const ExportFileSchema = z.union([
  z.object({
    controldeck: z.literal('environments'),
    version: z.literal(1),
    environments: z.array(z.unknown())
  }),
  z.array(z.unknown())
])

/**
 * The environment profiles: "Local engine" (always there, the default), the saved remote profiles
 * of `<dataDir>/environments.json`, and the ad-hoc `--url` one. Writes are atomic (temp + rename).
 * A file that does not validate is kept aside as `.bak` and reported in `warnings`, never silently reset.
 */
export class EnvironmentStore {
  /** Sentences about load problems, for `listEnvironments().warnings`. */
  readonly warnings: string[] = []
  private profiles: EnvironmentProfile[] = []
  private local = { color: 'grey' as EnvironmentColor, readOnly: false }
  private active: string = LOCAL_ENVIRONMENT_ID
  private writing: Promise<void> = Promise.resolve()
  private writes = 0

  private constructor(private readonly options: EnvironmentStoreOptions) {}

  get dataDir(): string {
    return this.options.dataDir
  }

  get filePath(): string {
    return join(this.options.dataDir, ENVIRONMENTS_FILE)
  }

  /** Reads and validates the file (absent = only the local engine). */
  static async load(options: EnvironmentStoreOptions): Promise<EnvironmentStore> {
    const store = new EnvironmentStore(options)
    await store.read()
    if (options.adHoc) store.active = AD_HOC_ENVIRONMENT_ID
    return store
  }

  private async read(): Promise<void> {
    let text: string
    try {
      text = await readFile(this.filePath, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      this.warnings.push(
        `The environments file ${this.filePath} could not be read (${(error as Error).message}); only the local engine is available.`
      )
      return
    }
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch (error) {
      await this.keepAside(`it is not valid JSON (${(error as Error).message})`)
      return
    }
    const file = EnvironmentsFileSchema.safeParse(raw)
    if (!file.success) {
      await this.keepAside(
        `it does not have the expected shape (${z.prettifyError(file.error).split('\n').slice(0, 2).join(' ')})`
      )
      return
    }
    const skipped: string[] = []
    const ids = new Set<string>([LOCAL_ENVIRONMENT_ID, AD_HOC_ENVIRONMENT_ID])
    const credentialIds = new Set<string>()
    file.data.environments.forEach((entry, index) => {
      if ((entry as { kind?: unknown } | null)?.kind === 'bundle') {
        const bundle = StoredBundleProfileSchema.safeParse(entry)
        if (!bundle.success)
          skipped.push(
            `entry ${index + 1}: ${bundle.error.issues[0]?.path.join('.') || 'entry'} ${bundle.error.issues[0]?.message ?? ''}`.trim()
          )
        else if (ids.has(bundle.data.id))
          skipped.push(`entry ${index + 1}: duplicate id "${bundle.data.id}"`)
        else {
          ids.add(bundle.data.id)
          this.profiles.push(fromStoredBundle(bundle.data))
        }
        return
      }
      const parsed = StoredProfileSchema.safeParse(entry)
      if (!parsed.success) {
        skipped.push(
          `entry ${index + 1}: ${parsed.error.issues[0]?.path.join('.') || 'entry'} ${parsed.error.issues[0]?.message ?? ''}`.trim()
        )
      } else if (ids.has(parsed.data.id)) {
        skipped.push(`entry ${index + 1}: duplicate id "${parsed.data.id}"`)
      } else {
        ids.add(parsed.data.id)
        this.profiles.push(fromStored(parsed.data, this.credentialIdOf(entry, credentialIds)))
      }
    })
    this.local = { ...file.data.local }
    this.active = ids.has(file.data.activeId) ? file.data.activeId : LOCAL_ENVIRONMENT_ID
    if (skipped.length > 0) {
      // Keep the original so the skipped entries can be repaired by hand; the good ones stay usable.
      const bak = await this.backup()
      this.warnings.push(
        `Some saved environments were invalid and were skipped (${skipped.join('; ')}). The original file is kept as ${bak}.`
      )
    }
  }

  /**
   * The credential id a file entry names, if valid and not taken by an earlier entry (a copied
   * entry must not share its secret). An entry without one was saved before secrets were bound:
   * it gets '' until its old keychain entry is moved (bindLegacyProfiles). One with a broken or
   * repeated id gets a fresh one: it has no secret.
   */
  private credentialIdOf(entry: unknown, taken: Set<string>): string {
    const raw = (entry as { credentialId?: unknown }).credentialId
    if (raw === undefined) return ''
    const parsed = CredentialIdSchema.safeParse(raw)
    const id = parsed.success && !taken.has(parsed.data) ? parsed.data : newCredentialId()
    taken.add(id)
    return id
  }

  private async keepAside(reason: string): Promise<void> {
    const bak = await this.backup(true)
    this.warnings.push(
      `The environments file could not be used because ${reason}. It was kept aside as ${bak}; only the local engine is available until it is repaired.`
    )
  }

  /** Copies (or moves) the file to `.bak`, never over an earlier backup. */
  private async backup(move = false): Promise<string> {
    let target = `${this.filePath}.bak`
    if (existsSync(target))
      target = `${this.filePath}.${new Date().toISOString().replace(/[:.]/g, '-')}.bak`
    if (move) await rename(this.filePath, target)
    else await writeFile(target, await readFile(this.filePath), { mode: 0o600 })
    return target
  }

  /**
   * Writes run one after another: overlapping calls (an import while the operator switches) would
   * otherwise share a temp file, and the later rename fail after the change was made in memory.
   * Each write takes the state of its turn, so the last one on disk is the newest.
   */
  private save(): Promise<void> {
    const turn = this.writing.catch(() => undefined).then(() => this.write())
    this.writing = turn
    return turn
  }

  private async write(): Promise<void> {
    ensurePrivateDir(this.options.dataDir)
    const file = {
      version: 1,
      activeId: this.active === AD_HOC_ENVIRONMENT_ID ? LOCAL_ENVIRONMENT_ID : this.active,
      local: this.local,
      environments: this.profiles.map(toSaved)
    }
    const tmp = `${this.filePath}.${process.pid}-${++this.writes}.tmp`
    try {
      await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 })
      await rename(tmp, this.filePath)
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => undefined)
      throw error
    }
  }

  // ---- reads

  /** Every environment: local first, then the ad-hoc one, then the saved ones in order. */
  list(): EnvironmentProfile[] {
    const local: EnvironmentProfile = {
      id: LOCAL_ENVIRONMENT_ID,
      name: 'Local engine',
      baseUrl: this.options.localUrl ?? '',
      kind: 'embedded',
      authKind: 'bearer',
      color: this.local.color,
      isProduction: false,
      readOnly: this.local.readOnly,
      builtIn: true,
      credentialId: ''
    }
    const adHoc: EnvironmentProfile[] = this.options.adHoc
      ? [
          {
            id: AD_HOC_ENVIRONMENT_ID,
            name: `Ad-hoc (${this.options.adHoc.url})`,
            baseUrl: this.options.adHoc.url,
            kind: 'remote',
            authKind: this.options.adHoc.hasToken ? 'bearer' : 'none',
            color: 'purple',
            isProduction: false,
            readOnly: false,
            builtIn: true,
            credentialId: ''
          }
        ]
      : []
    return [local, ...adHoc, ...this.profiles.map((p) => ({ ...p }))]
  }

  get activeId(): string {
    return this.active
  }

  /** The environment with this id. @throws EnvironmentError not_found */
  get(id: string): EnvironmentProfile {
    const found = this.list().find((p) => p.id === id)
    if (!found)
      throw new EnvironmentError('not_found', `There is no environment with the id "${id}".`)
    return found
  }

  // ---- writes

  /** Makes `id` the saved choice; when the file cannot be written the previous choice stays. */
  async setActive(id: string): Promise<void> {
    this.get(id)
    const previous = this.active
    this.active = id
    try {
      await this.save()
    } catch (error) {
      if (this.active === id) this.active = previous
      throw error
    }
  }

  async add(input: EnvironmentInput): Promise<EnvironmentProfile> {
    const value = EnvironmentInputSchema.parse(input)
    this.assertNameFree(value.name)
    const id = makeEnvironmentId(value.name, this.takenIds())
    const profile: EnvironmentProfile = {
      id,
      ...value,
      kind: 'remote',
      builtIn: false,
      credentialId: newCredentialId()
    }
    this.profiles.push(profile)
    await this.save()
    return { ...profile }
  }

  /**
   * Adds an imported incident bundle's environment (offline, read-only for good) under a name
   * made unique ("Incident m_… (2)"). Its cache file is filled by the caller.
   */
  async addBundle(name: string): Promise<EnvironmentProfile> {
    const base = name.trim().slice(0, 72) || 'Incident bundle'
    let unique = base
    for (let n = 2; this.nameTaken(unique); n++) unique = `${base} (${n})`
    const profile = fromStoredBundle({
      kind: 'bundle',
      id: makeEnvironmentId(unique, this.takenIds()),
      name: unique,
      color: 'purple'
    })
    this.profiles.push(profile)
    await this.save()
    return { ...profile }
  }

  async update(id: string, changes: EnvironmentChanges): Promise<EnvironmentProfile> {
    const value = EnvironmentChangesSchema.parse(changes)
    if (this.profiles.find((p) => p.id === id)?.kind === 'bundle') {
      const other = Object.keys(value).filter((k) => k !== 'color' && k !== 'name')
      if (other.length > 0 || value.readOnly === false) {
        throw new EnvironmentError(
          'invalid_input',
          `An imported incident bundle is offline and read-only for good; only its name and colour can be changed (not ${other.join(', ')}).`
        )
      }
    }
    if (id === LOCAL_ENVIRONMENT_ID) {
      const other = Object.keys(value).filter((k) => k !== 'color' && k !== 'readOnly')
      if (other.length > 0) {
        throw new EnvironmentError(
          'invalid_input',
          `The local engine's ${other.join(', ')} cannot be changed; only its colour and read-only flag.`
        )
      }
      this.local = {
        color: value.color ?? this.local.color,
        readOnly: value.readOnly ?? this.local.readOnly
      }
      await this.save()
      return this.get(id)
    }
    const profile = this.saved(id)
    if (value.name !== undefined && value.name.toLowerCase() !== profile.name.toLowerCase())
      this.assertNameFree(value.name)
    Object.assign(profile, value)
    await this.save()
    return { ...profile }
  }

  async remove(id: string): Promise<void> {
    const profile = this.saved(id)
    this.profiles = this.profiles.filter((p) => p !== profile)
    if (this.active === id) this.active = LOCAL_ENVIRONMENT_ID
    await this.save()
  }

  async duplicate(id: string): Promise<EnvironmentProfile> {
    const source = this.saved(id)
    if (source.kind === 'bundle')
      throw new EnvironmentError(
        'invalid_input',
        'An imported incident bundle cannot be duplicated; import the file again instead.'
      )
    let name = `${source.name} copy`.slice(0, 80)
    for (let n = 2; this.nameTaken(name); n++) name = `${source.name} copy ${n}`.slice(0, 80)
    const copy: EnvironmentProfile = {
      ...source,
      name,
      id: makeEnvironmentId(name, this.takenIds()),
      credentialId: newCredentialId()
    }
    this.profiles.push(copy)
    await this.save()
    return { ...copy }
  }

  /** The saved remote profiles as JSON (no secrets exist in them to leave out). */
  exportJson(): string {
    return JSON.stringify(
      {
        controldeck: 'environments',
        version: 1,
        environments: this.profiles.filter((p) => p.kind === 'remote').map(toStored)
      },
      null,
      2
    )
  }

  /**
   * Adds profiles from exported JSON. An entry whose id or name is already used is skipped; an
   * invalid entry is reported in `errors`; unknown keys (a secret someone added, a credential id)
   * are dropped: an imported profile gets a fresh credential id, so it never finds a secret that
   * was saved for another profile, here or in another data folder.
   */
  async importJson(json: string): Promise<{ added: number; skipped: number; errors: string[] }> {
    let raw: unknown
    try {
      raw = JSON.parse(json)
    } catch (error) {
      throw new EnvironmentError(
        'invalid_input',
        `The file is not valid JSON (${(error as Error).message}).`
      )
    }
    const file = ExportFileSchema.safeParse(raw)
    if (!file.success) {
      throw new EnvironmentError(
        'invalid_input',
        'The file is not a ControlDeck environments export.'
      )
    }
    const entries = Array.isArray(file.data) ? file.data : file.data.environments
    const errors: string[] = []
    let added = 0
    let skipped = 0
    entries.forEach((entry, index) => {
      const parsed = StoredProfileSchema.safeParse(entry)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        errors.push(
          `Entry ${index + 1}: ${issue?.path.join('.') || 'entry'} ${issue?.message ?? 'is invalid'}`
        )
        return
      }
      if (this.takenIds().has(parsed.data.id) || this.nameTaken(parsed.data.name)) {
        skipped++
        return
      }
      this.profiles.push(fromStored(parsed.data, newCredentialId()))
      added++
    })
    if (added > 0) await this.save()
    return { added, skipped, errors }
  }

  /** Saved profiles from before secrets were bound: no credential id yet (see bindLegacyProfiles). */
  legacyProfiles(): EnvironmentProfile[] {
    return this.profiles
      .filter((p) => p.credentialId === '' && p.kind === 'remote')
      .map((p) => ({ ...p }))
  }

  /**
   * Gives every profile saved before secrets were bound its credential id and saves the file, so
   * that the ids are known before any secret is written under them. On a failed save nothing
   * changes (and the caller moves no secret). Returns the profiles that got an id.
   */
  async bindLegacyProfiles(): Promise<EnvironmentProfile[]> {
    const legacy = this.profiles.filter((p) => p.credentialId === '' && p.kind === 'remote')
    if (legacy.length === 0) return []
    for (const profile of legacy) profile.credentialId = newCredentialId()
    try {
      await this.save()
    } catch (error) {
      for (const profile of legacy) profile.credentialId = ''
      throw error
    }
    return legacy.map((p) => ({ ...p }))
  }

  /** A saved profile with a credential id, giving it one first if it was saved before secrets were bound. */
  async withCredentialId(id: string): Promise<EnvironmentProfile> {
    const profile = this.saved(id)
    if (profile.credentialId === '') {
      profile.credentialId = newCredentialId()
      try {
        await this.save()
      } catch (error) {
        profile.credentialId = ''
        throw error
      }
    }
    return { ...profile }
  }

  private saved(id: string): EnvironmentProfile {
    const profile = this.profiles.find((p) => p.id === id)
    if (profile) return profile
    if (id === LOCAL_ENVIRONMENT_ID || id === AD_HOC_ENVIRONMENT_ID) {
      throw new EnvironmentError(
        'invalid_input',
        'Built-in environments cannot be removed, duplicated or renamed.'
      )
    }
    throw new EnvironmentError('not_found', `There is no environment with the id "${id}".`)
  }

  private takenIds(): Set<string> {
    return new Set([LOCAL_ENVIRONMENT_ID, AD_HOC_ENVIRONMENT_ID, ...this.profiles.map((p) => p.id)])
  }

  private nameTaken(name: string): boolean {
    return this.list().some((p) => p.name.toLowerCase() === name.trim().toLowerCase())
  }

  private assertNameFree(name: string): void {
    if (this.nameTaken(name))
      throw new EnvironmentError('conflict', `An environment called "${name}" already exists.`)
  }
}

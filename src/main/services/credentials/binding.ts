import { createHash, randomBytes } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { z } from 'zod'

/**
 * What a saved secret is bound to. A keychain is shared by every ControlDeck data folder of the
 * user, and profiles are named by slugs anyone can repeat ("prod"), so neither names an entry:
 *
 * - service `ControlDeck:<16 hex of sha256(the data folder's real path)>` — one namespace per
 *   data folder, so another instance (`--data-dir`) never finds this one's entries;
 * - account = the profile's credential id, 128 random bits made when the profile is created in
 *   this folder, kept in environments.json and never exported or imported, so a profile that
 *   arrives by import (or replaces a lost file) cannot name an existing entry;
 * - the value records the origin the secret was entered for and the data folder, and a secret
 *   whose origin is not the profile's current one is refused, not sent.
 */

/** Keychain service of entries written before secrets were bound (account = environment id). */
export const LEGACY_KEYCHAIN_SERVICE = 'ControlDeck'

/** A profile's credential id: 32 lowercase hex characters. */
export const CredentialIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 hex characters')

/** A fresh credential id (never derived from anything a file or a user chose). */
export function newCredentialId(): string {
  return randomBytes(16).toString('hex')
}

/** The scheme, host and port of a base URL; '' when it does not parse (nothing matches it). */
export function originOf(url: string | null | undefined): string {
  if (!url) return ''
  try {
    const origin = new URL(url).origin
    return origin === 'null' ? '' : origin
  } catch {
    return ''
  }
}

/**
 * The data folder's real path (symlinks resolved), also before it exists: the nearest existing
 * ancestor is resolved and the rest appended, so the name does not change once it is created.
 */
export function canonicalDataDir(dataDir: string): string {
  const absolute = resolve(dataDir)
  try {
    return realpathSync.native(absolute)
  } catch {
    const parent = dirname(absolute)
    return parent === absolute ? absolute : join(canonicalDataDir(parent), basename(absolute))
  }
}

/** The keychain service holding the secrets of one data folder (given canonical). */
export function keychainServiceFor(canonicalDir: string): string {
  return `${LEGACY_KEYCHAIN_SERVICE}:${createHash('sha256').update(canonicalDir).digest('hex').slice(0, 16)}`
}

import { z } from 'zod'

/**
 * Redaction of incident bundles. Secrets are always removed (keys that name one, values that look
 * like one); tag values and detail fields are removed on request. The same walk produces the
 * preview the operator sees before saving, so the preview is exactly what the file leaves out.
 */

/** What the operator chose to take out beyond secrets. */
export const RedactionOptionsSchema = z.object({
  /** Remove the value of every tag. */
  allTags: z.boolean().default(false),
  /** Remove these tag keys' values (mission tags). */
  tagKeys: z.array(z.string().min(1).max(200)).max(200).default([]),
  /** Remove these keys wherever they appear inside details, metadata, evidence or event data. */
  detailKeys: z.array(z.string().min(1).max(200)).max(200).default([])
})
export type RedactionOptions = z.infer<typeof RedactionOptionsSchema>

export const REMOVED_SECRET = '[removed: secret]'
export const REMOVED_VALUE = '[redacted]'

/** Most removed fields listed in a preview (the count is always complete). */
export const MAX_PREVIEW_ROWS = 500

export const RemovedFieldSchema = z.object({
  /** Where it was, e.g. `audit[3].details.api_key`. */
  path: z.string().max(400),
  reason: z.enum(['secret', 'tag', 'detail']),
  /** A short sketch of the value for tags and details; never anything of a secret. */
  preview: z.string().max(80)
})
export type RemovedField = z.infer<typeof RemovedFieldSchema>

export interface RedactionResult<T> {
  value: T
  /** The first MAX_PREVIEW_ROWS removed fields, in document order. */
  removed: RemovedField[]
  counts: { secret: number; tag: number; detail: number }
}

/**
 * Keys whose string (or structured) value is a secret. Counts are kept: `llm_tokens: 1500` is a
 * number and stays, `token: "abc"` goes.
 */
const SECRET_KEY =
  /pass(word|wd|phrase)?$|secret|token|authori[sz]ation|api[-_]?key|cookie|credential|bearer|private[-_]?key|session[-_]?id|^auth$/i

/** Secret-looking text inside any string: bearer headers, JWTs, well-known key prefixes. */
const SECRET_TEXT = [
  /\b(authorization|proxy-authorization)\s*:\s*\S+(\s+\S+)?/gi,
  /\bbearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  /\b(sk|rk|pk)[-_](live|test|proj)?[-_]?[A-Za-z0-9]{16,}/g,
  /\b(ghp|gho|ghu|ghs|github_pat|xox[abprs]|AKIA)[-_]?[A-Za-z0-9_]{12,}/g,
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/gi
]

/** Parents under which detailKeys apply. */
const DETAIL_CONTAINERS = new Set(['details', 'metadata', 'evidence', 'data'])

function sketch(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  return text.length > 40 ? `${text.slice(0, 39)}…` : text
}

function scrubText(text: string): { text: string; hit: boolean } {
  let hit = false
  let out = text
  for (const pattern of SECRET_TEXT) {
    pattern.lastIndex = 0
    if (pattern.test(out)) {
      hit = true
      pattern.lastIndex = 0
      out = out.replace(pattern, REMOVED_SECRET)
    }
  }
  return { text: out, hit }
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key.slice(0, 60))
  return path ? `${path}.${safe}` : safe
}

/**
 * A copy of `value` with secrets and the chosen tags and details removed (values replaced by a
 * marker, so the shape still validates), and the list of what was removed. `value` must already be
 * depth-bounded (a parsed bundle, or data built by the console).
 */
export function redact<T>(value: T, options: RedactionOptions): RedactionResult<T> {
  const tagKeys = new Set(options.tagKeys)
  const detailKeys = new Set(options.detailKeys)
  const removed: RemovedField[] = []
  const counts = { secret: 0, tag: 0, detail: 0 }
  const note = (path: string, reason: RemovedField['reason'], original: unknown): void => {
    counts[reason]++
    if (removed.length < MAX_PREVIEW_ROWS) {
      removed.push({
        path: path.slice(0, 400),
        reason,
        preview: reason === 'secret' ? '(hidden)' : sketch(original)
      })
    }
  }

  const walk = (
    node: unknown,
    path: string,
    parentKey: string | null,
    inDetails: boolean
  ): unknown => {
    if (typeof node === 'string') {
      const scrubbed = scrubText(node)
      if (scrubbed.hit) note(path, 'secret', null)
      return scrubbed.text
    }
    if (Array.isArray(node))
      return node.map((item, index) => walk(item, join(path, index), parentKey, inDetails))
    if (node === null || typeof node !== 'object') return node
    // Entries, not assignments: `out['__proto__'] = …` would set the prototype and drop the key.
    const out: [string, unknown][] = []
    for (const [key, child] of Object.entries(node)) {
      const at = join(path, key)
      const structured = child !== null && typeof child === 'object'
      if (SECRET_KEY.test(key) && (typeof child === 'string' || structured)) {
        note(at, 'secret', null)
        out.push([key, REMOVED_SECRET])
      } else if (parentKey === 'tags' && (options.allTags || tagKeys.has(key))) {
        note(at, 'tag', child)
        out.push([key, REMOVED_VALUE])
      } else if (inDetails && detailKeys.has(key)) {
        note(at, 'detail', child)
        out.push([key, REMOVED_VALUE])
      } else {
        out.push([key, walk(child, at, key, inDetails || DETAIL_CONTAINERS.has(key))])
      }
    }
    return Object.fromEntries(out)
  }

  return { value: walk(value, '', null, false) as T, removed, counts }
}

/**
 * Tag keys and detail keys present in `value`, sorted, for the operator to choose from (at most 200
 * of each). Keys already removed as secrets are not offered.
 */
export function redactableKeys(value: unknown): { tagKeys: string[]; detailKeys: string[] } {
  const tags = new Set<string>()
  const details = new Set<string>()
  const walk = (node: unknown, parentKey: string | null, inDetails: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, parentKey, inDetails)
      return
    }
    if (node === null || typeof node !== 'object') return
    for (const [key, child] of Object.entries(node)) {
      if (SECRET_KEY.test(key) && typeof child !== 'number' && typeof child !== 'boolean') continue
      if (parentKey === 'tags' && tags.size < 200) tags.add(key)
      else if (inDetails && details.size < 200) details.add(key)
      walk(child, key, inDetails || DETAIL_CONTAINERS.has(key))
    }
  }
  walk(value, null, false)
  return { tagKeys: [...tags].sort(), detailKeys: [...details].sort() }
}

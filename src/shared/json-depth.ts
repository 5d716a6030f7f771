/**
 * Depth-bounded JSON parsing for every JSON text ControlDeck reads from outside (engine request
 * bodies, browser-mode request bodies, backend answers). JSON.parse itself copes with any nesting,
 * but what runs next does not: JSON.stringify, zod, structured cloning and React all recurse, and a
 * few thousand levels overflow the stack there, far from where the input arrived. So the text is
 * measured first, by a scan that allocates nothing per level and stops at the first level too
 * many; a refused text is never parsed.
 */

/** Where in a JSON value something is: object keys and array indices from the root. */
export type JsonPath = Array<string | number>

/** Outcome of {@link parseJsonBounded}. */
export type BoundedJson =
  | { ok: true; value: unknown }
  /** `path` leads to the first container that opens one level past the limit. */
  | { ok: false; reason: 'too_deep'; path: JsonPath; message: string }
  | { ok: false; reason: 'malformed'; message: string }

/** Longest key kept in a reported path: a hostile key must not become a huge error message. */
const MAX_KEY_CHARS = 64

/**
 * Finds the first `{`/`[` of `text` that opens deeper than `limit` levels (the root container is
 * level 1) and returns its path, or null when the text stays within `limit`. Strings (and the
 * brackets inside them) are skipped; keys are read only on the way down, so the work is one pass
 * over the text and the memory `limit` entries. Malformed text is measured as far as it goes; the
 * parse that follows reports it.
 */
export function findTooDeep(text: string, limit: number): JsonPath | null {
  const path: JsonPath = []
  const isArray: boolean[] = []
  let depth = 0
  let inString = false
  let stringStart = 0
  let expectKey = false
  let readingKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \ */) i++
      else if (c === 34 /* " */) {
        inString = false
        if (readingKey) path[depth - 1] = decodeKey(text.slice(stringStart, i + 1))
        readingKey = false
      }
      continue
    }
    if (c === 34) {
      inString = true
      stringStart = i
      readingKey = expectKey
      expectKey = false
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (depth >= limit) return path.slice(0, depth)
      depth++
      isArray[depth - 1] = c === 91
      path[depth - 1] = c === 91 ? 0 : ''
      expectKey = c === 123
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (depth > 0) depth--
      expectKey = false
    } else if (c === 44 /* , */ && depth > 0) {
      if (isArray[depth - 1]) path[depth - 1] = (path[depth - 1] as number) + 1
      else expectKey = true
    }
  }
  return null
}

function decodeKey(quoted: string): string {
  let key = quoted.slice(1, -1)
  if (key.includes('\\')) {
    try {
      key = JSON.parse(quoted) as string
    } catch {
      // Left as written: the parse that follows reports the malformed text.
    }
  }
  return key.length > MAX_KEY_CHARS ? key.slice(0, MAX_KEY_CHARS) + '…' : key
}

/**
 * A short, bounded rendering of a path for messages: `details.a.b[3]…` with at most `maxSegments`
 * segments (the rest shown as `…`). Empty path → `(root)`.
 */
export function describeJsonPath(path: JsonPath, maxSegments = 8): string {
  if (path.length === 0) return '(root)'
  let out = ''
  for (const seg of path.slice(0, maxSegments)) {
    out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`
  }
  return path.length > maxSegments ? `${out}…` : out
}

/**
 * Parses `text` as JSON unless it nests deeper than `maxDepth`. Never throws. The message of a
 * refusal says where and how deep, never what the text contained.
 */
export function parseJsonBounded(text: string, maxDepth: number): BoundedJson {
  const path = findTooDeep(text, maxDepth)
  if (path !== null) {
    return {
      ok: false,
      reason: 'too_deep',
      path,
      message: `JSON nested deeper than ${maxDepth} levels (at ${describeJsonPath(path)})`
    }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (err) {
    return { ok: false, reason: 'malformed', message: truncate(err instanceof Error ? err.message : String(err), 200) }
  }
}

/** `text` cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) + '…' : text
}

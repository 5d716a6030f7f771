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
  // Per open level: the child position as an array index, or (objects) where its key sits in the
  // text. Keys are only sliced out when a path is returned, so the common case allocates nothing.
  const index: number[] = []
  const keyStart: number[] = []
  const keyEnd: number[] = []
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
        if (readingKey) {
          keyStart[depth - 1] = stringStart
          keyEnd[depth - 1] = i + 1
          readingKey = false
        }
      }
      continue
    }
    if (c === 34) {
      inString = true
      stringStart = i
      readingKey = expectKey
      expectKey = false
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (depth >= limit) return pathOf(text, depth, index, keyStart, keyEnd)
      depth++
      // -1 marks an object level; its key comes from keyStart/keyEnd.
      index[depth - 1] = c === 91 ? 0 : -1
      keyStart[depth - 1] = -1
      expectKey = c === 123
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (depth > 0) depth--
      expectKey = false
    } else if (c === 44 /* , */ && depth > 0) {
      if ((index[depth - 1] as number) >= 0) index[depth - 1] = (index[depth - 1] as number) + 1
      else expectKey = true
    }
  }
  return null
}

function pathOf(
  text: string,
  depth: number,
  index: number[],
  keyStart: number[],
  keyEnd: number[]
): JsonPath {
  const path: JsonPath = []
  for (let d = 0; d < depth; d++) {
    const i = index[d] as number
    if (i >= 0) path.push(i)
    else path.push((keyStart[d] as number) < 0 ? '' : decodeKey(text.slice(keyStart[d], keyEnd[d])))
  }
  return path
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
    return {
      ok: false,
      reason: 'malformed',
      message: truncate(err instanceof Error ? err.message : String(err), 200)
    }
  }
}

/** Outcome of {@link parseJsonCapped}: the value, and how many too-deep parts were replaced. */
export type CappedJson = { ok: true; value: unknown; cut: number } | { ok: false; message: string }

/** What replaces a part nested deeper than `maxDepth` in {@link parseJsonCapped}. */
export function tooDeepMarker(maxDepth: number): string {
  return `[nested deeper than ${maxDepth} levels; removed]`
}

/**
 * Parses `text` as JSON with every container that would open deeper than `maxDepth` replaced by
 * the string {@link tooDeepMarker}: for answers, where refusing the whole text would hide every
 * good part (one hostile audit row would empty the page). The cut happens on the text, in one
 * pass, so the deep part is never built in memory. Never throws.
 */
export function parseJsonCapped(text: string, maxDepth: number): CappedJson {
  const capped =
    findTooDeep(text, maxDepth) === null ? { text, cut: 0 } : cutTooDeep(text, maxDepth)
  try {
    return { ok: true, value: JSON.parse(capped.text) as unknown, cut: capped.cut }
  } catch (err) {
    return { ok: false, message: truncate(err instanceof Error ? err.message : String(err), 200) }
  }
}

/** `text` with each container opening past `limit` replaced by the marker string. */
function cutTooDeep(text: string, limit: number): { text: string; cut: number } {
  const marker = JSON.stringify(tooDeepMarker(limit))
  const parts: string[] = []
  let last = 0
  let cut = 0
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) {
      inString = true
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (depth < limit) {
        depth++
        continue
      }
      const end = matchingClose(text, i)
      parts.push(text.slice(last, i), marker)
      cut++
      // Unclosed (malformed): drop the rest; the parse that follows reports it.
      last = end === -1 ? text.length : end + 1
      if (end === -1) break
      i = end
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (depth > 0) depth--
    }
  }
  parts.push(text.slice(last))
  return { text: parts.join(''), cut }
}

/** Index of the bracket closing the container opened at `start`, or -1 when it never closes. */
function matchingClose(text: string, start: number): number {
  let depth = 0
  let inString = false
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++
      else if (c === 34) inString = false
    } else if (c === 34) {
      inString = true
    } else if (c === 123 || c === 91) {
      depth++
    } else if (c === 125 || c === 93) {
      depth--
      if (depth === 0) return i
    }
  }
  return -1
}

/** `text` cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) + '…' : text
}

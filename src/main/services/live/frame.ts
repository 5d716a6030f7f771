import { StreamEventSchema, type StreamEvent } from '../../../shared/neurorail/stream'

/** Frames whose data is larger than this are skipped (counted): nothing the console shows needs more. */
export const MAX_FRAME_BYTES = 1024 * 1024
/** JSON nested deeper than this is skipped before parsing, so hostile payloads cannot blow the stack later (stringify, render). */
export const MAX_FRAME_DEPTH = 64

export type FrameResult =
  | { ok: true; event: StreamEvent }
  | { ok: false; reason: 'too_large' | 'too_deep' | 'not_json' | 'invalid' }

/** Deepest `{`/`[` nesting of a JSON text (strings skipped), stopping early past `limit`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) {
      inString = true
    } else if (c === 123 || c === 91 /* { [ */) {
      depth++
      if (depth > max) {
        max = depth
        if (max > limit) return max
      }
    } else if (c === 125 || c === 93) {
      depth--
    }
  }
  return max
}

/**
 * Validates the `data:` text of one SSE frame as a StreamEvent. Never throws: garbage (not JSON,
 * wrong shape, unknown channel, oversized, too deep) comes back as a reason for the caller to count.
 */
export function parseFrame(data: string): FrameResult {
  // Length in UTF-16 units bounds bytes from below; good enough for a coarse size guard.
  if (data.length > MAX_FRAME_BYTES) return { ok: false, reason: 'too_large' }
  if (jsonDepth(data, MAX_FRAME_DEPTH) > MAX_FRAME_DEPTH) return { ok: false, reason: 'too_deep' }
  let json: unknown
  try {
    json = JSON.parse(data)
  } catch {
    return { ok: false, reason: 'not_json' }
  }
  const parsed = StreamEventSchema.safeParse(json)
  return parsed.success ? { ok: true, event: parsed.data } : { ok: false, reason: 'invalid' }
}

/**
 * True when a parsed value nests deeper than `limit` (iterative, stops early). For payloads that
 * arrive already parsed (polled audit details): JSON.stringify, IPC and the renderer all recurse,
 * so such values are dropped at the door like too-deep frames.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }]
  let visited = 0
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; depth: number }
    if (item.value === null || typeof item.value !== 'object') continue
    if (item.depth + 1 > limit) return true
    // Bounded work: a value this large is refused as well.
    if (++visited > 200_000) return true
    for (const child of Object.values(item.value as object)) stack.push({ value: child, depth: item.depth + 1 })
  }
  return false
}

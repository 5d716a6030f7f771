import { parseJsonCapped, tooDeepMarker } from '../../../shared/json-depth'
import { MAX_EVENT_DEPTH } from '../../../shared/neurorail/limits'
import { readStreamEvent } from '../../../shared/neurorail/events'
import type { StreamEvent } from '../../../shared/neurorail/stream'

/** Frames whose data is larger than this are skipped (counted): nothing the console shows needs more. */
export const MAX_FRAME_BYTES = 1024 * 1024
/** JSON nested deeper than this is cut down before anything recurses over it (stringify, IPC, render). */
export const MAX_FRAME_DEPTH = MAX_EVENT_DEPTH

/** What replaces a part of an event nested deeper than the console reads. */
export const TOO_DEEP_MARKER = tooDeepMarker(MAX_FRAME_DEPTH)

export type FrameResult =
  | { ok: true; event: StreamEvent; truncated: boolean }
  | { ok: false; reason: 'too_large' | 'not_json' | 'invalid' }

/**
 * Validates the `data:` text of one SSE frame as a StreamEvent. Never throws: garbage (not JSON,
 * wrong shape, unknown channel, oversized) comes back as a reason for the caller to count. An
 * event nested deeper than MAX_EVENT_DEPTH is kept, its too-deep parts replaced by
 * TOO_DEEP_MARKER (`truncated`): the operator sees that it happened and what it was about.
 */
export function parseFrame(data: string): FrameResult {
  // Length in UTF-16 units bounds bytes from below; good enough for a coarse size guard.
  if (data.length > MAX_FRAME_BYTES) return { ok: false, reason: 'too_large' }
  // The deep parts are cut from the text before it is parsed (everything after the parse — zod,
  // stringify, structured clone, React — recurses), so they are never built in memory.
  const json = parseJsonCapped(data, MAX_FRAME_DEPTH)
  if (!json.ok) return { ok: false, reason: 'not_json' }
  const read = readStreamEvent(json.value)
  return read.ok
    ? { ok: true, event: read.event, truncated: json.cut > 0 }
    : { ok: false, reason: 'invalid' }
}
/**
 * Replaces, in place, every object or array of `value` that sits deeper than `limit` levels (the
 * value itself is level 1) by TOO_DEEP_MARKER, for values that arrive parsed (the audit poller's
 * rows); a frame's text is cut before parsing instead. Iterative. Returns how many were replaced.
 */
export function cutDeeperThan(value: unknown, limit: number): number {
  let cut = 0
  const stack: { node: Record<string, unknown> | unknown[]; level: number }[] = []
  if (value !== null && typeof value === 'object')
    stack.push({ node: value as Record<string, unknown>, level: 1 })
  while (stack.length > 0) {
    const { node, level } = stack.pop() as {
      node: Record<string, unknown> | unknown[]
      level: number
    }
    const keys = Array.isArray(node) ? node.keys() : Object.keys(node)
    for (const key of keys) {
      const child = (node as Record<string | number, unknown>)[key]
      if (child === null || typeof child !== 'object') continue
      if (level + 1 > limit) {
        ;(node as Record<string | number, unknown>)[key] = TOO_DEEP_MARKER
        cut++
      } else {
        stack.push({ node: child as Record<string, unknown>, level: level + 1 })
      }
    }
  }
  return cut
}

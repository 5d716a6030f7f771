import { z } from 'zod'
import { parseJsonBounded } from '../../json-depth'
import { AuditEventSchema } from '../../neurorail/audit'
import { DateTimeSchema } from '../../neurorail/datetime'
import { DecisionSchema } from '../../neurorail/governor'
import { TraceChainSchema } from '../../neurorail/identity'
import { MissionIdSchema } from '../../neurorail/ids'
import { StateTransitionEventSchema } from '../../neurorail/lifecycle'
import { MAX_REQUEST_DEPTH } from '../../neurorail/limits'
import { EntityMetricsSchema } from '../../neurorail/telemetry'
import { TraceNodeSchema, type TraceNode } from '../domains/data'
import { LiveEventSchema } from '../domains/live'

/**
 * An incident bundle: one mission's trace with everything needed to read it without its backend
 * (audit events, transitions, metrics, governor decisions, violations, reflex actions) and the
 * environment it came from. Written by `prepareIncidentBundle`, read back by
 * `importIncidentBundle`. A bundle file comes from anywhere, so everything here is bounded.
 */

export const INCIDENT_BUNDLE_FORMAT = 'controldeck-incident-bundle'
/** The format version this console writes and reads. */
export const INCIDENT_BUNDLE_VERSION = 1

/**
 * Largest bundle, as JSON text (written compact), in bytes. Browser mode carries it as one request
 * body, whose cap (1 MiB, serve/server.ts) it stays under with room for the envelope.
 */
export const MAX_BUNDLE_BYTES = 1_000_000
/**
 * Deepest nesting of a bundle's JSON: one level less than a console request body may have, so that
 * `{bundle}` crosses browser mode whole. Export cuts deeper parts (details the backend nested
 * further) to a marker rather than write a file no console could import.
 */
export const MAX_BUNDLE_DEPTH = MAX_REQUEST_DEPTH - 1
/** Most trace nodes (mission, plans, jobs, attempts, resources) in one bundle. */
export const MAX_BUNDLE_NODES = 5_000
/** Most rows of each list (audit, history, metrics, decisions, violations, reflex actions). */
export const MAX_BUNDLE_ROWS = 5_000

const ShortText = z.string().max(200)

/** The environment a bundle was taken from: its name and what its backend said it was. */
export const BundleEnvironmentSchema = z.object({
  name: z.string().min(1).max(80),
  /** `embedded`, `remote`, or `bundle` for a bundle re-exported from an imported one. */
  kind: ShortText,
  /** The backend's engine name (`controldeck`) or null (BRAiN names none). */
  engine: ShortText.nullable(),
  /** The backend's version as its capabilities state it, or null. */
  version: ShortText.nullable()
})
export type BundleEnvironment = z.infer<typeof BundleEnvironmentSchema>

/** What was taken out of a bundle before it was written (the values themselves are gone). */
export const BundleRedactionSchema = z.object({
  /** Values removed because they looked like secrets (always on). */
  secrets: z.number().int().nonnegative(),
  /** Tag keys whose values were removed; `*` means every tag. */
  tagKeys: z.array(ShortText).max(200),
  /** Keys removed from details, metadata, evidence and event data. */
  detailKeys: z.array(ShortText).max(200),
  /** Every value removed, of any reason. */
  removed: z.number().int().nonnegative()
})
export type BundleRedaction = z.infer<typeof BundleRedactionSchema>

function countNodes(node: TraceNode, limit: number): number {
  let count = 0
  const stack: TraceNode[] = [node]
  while (stack.length > 0 && count <= limit) {
    const next = stack.pop()!
    count++
    stack.push(...next.children)
  }
  return count
}

const rows = <T extends z.ZodType>(item: T) =>
  z.array(item).max(MAX_BUNDLE_ROWS, `at most ${MAX_BUNDLE_ROWS} rows per list`)

export const IncidentBundleSchema = z.object({
  format: z.literal(INCIDENT_BUNDLE_FORMAT, { error: 'this is not a ControlDeck incident bundle' }),
  version: z.literal(INCIDENT_BUNDLE_VERSION, {
    error: `this ControlDeck reads incident bundles of version ${INCIDENT_BUNDLE_VERSION} only`
  }),
  createdAt: DateTimeSchema,
  /** The console version that wrote it. */
  appVersion: ShortText,
  environment: BundleEnvironmentSchema,
  missionId: MissionIdSchema,
  trace: z.object({
    chain: TraceChainSchema,
    root: TraceNodeSchema.refine((root) => countNodes(root, MAX_BUNDLE_NODES) <= MAX_BUNDLE_NODES, {
      message: `a bundle's trace holds at most ${MAX_BUNDLE_NODES} entities`
    })
  }),
  /** State transitions of every lifecycle entity of the trace, oldest first. */
  history: rows(StateTransitionEventSchema),
  metrics: rows(EntityMetricsSchema),
  /** The mission's audit trail, newest first. */
  audit: rows(AuditEventSchema),
  decisions: rows(DecisionSchema),
  /** Audit events that record a budget or policy violation (also in `audit`). */
  violations: rows(AuditEventSchema),
  /** Reflex and enforcement events (circuit breakers, triggers, suspend, throttle) about the trace. */
  reflexActions: rows(LiveEventSchema),
  redaction: BundleRedactionSchema
})
export type IncidentBundle = z.infer<typeof IncidentBundleSchema>

/** Outcome of reading a bundle file. */
export type BundleRead = { ok: true; bundle: IncidentBundle } | { ok: false; message: string }

/**
 * Checks an already-parsed value as a bundle; the message names the first problem as a sentence.
 * The version is checked before the rest, so a newer bundle says so instead of listing fields.
 */
export function parseIncidentBundle(value: unknown): BundleRead {
  const head = z.object({ format: z.unknown(), version: z.unknown() }).safeParse(value)
  if (!head.success || head.data.format !== INCIDENT_BUNDLE_FORMAT) {
    return { ok: false, message: 'This file is not a ControlDeck incident bundle.' }
  }
  if (head.data.version !== INCIDENT_BUNDLE_VERSION) {
    const named =
      typeof head.data.version === 'number' ? `version ${head.data.version}` : 'an unknown version'
    return {
      ok: false,
      message: `This incident bundle has ${named}; this ControlDeck reads version ${INCIDENT_BUNDLE_VERSION} only.`
    }
  }
  const parsed = IncidentBundleSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? ` (at ${issue.path.slice(0, 8).join('.')})` : ''
    return {
      ok: false,
      message: `This incident bundle is damaged: ${issue?.message ?? 'it does not validate'}${where}.`
    }
  }
  return { ok: true, bundle: parsed.data }
}

/** The sentence for a file over {@link MAX_BUNDLE_BYTES}, however it was read (`name`: the file's). */
export function bundleTooLargeMessage(name = 'This file'): string {
  return `${name} is larger than an incident bundle may be (${MAX_BUNDLE_BYTES} bytes).`
}

/** Reads a bundle file's text: size first, then depth (before parsing), then the schema. */
export function readIncidentBundleText(text: string): BundleRead {
  // UTF-16 length bounds the UTF-8 size from below; a text over the cap in either is refused.
  if (text.length > MAX_BUNDLE_BYTES || new TextEncoder().encode(text).length > MAX_BUNDLE_BYTES) {
    return {
      ok: false,
      message: bundleTooLargeMessage()
    }
  }
  const json = parseJsonBounded(text, MAX_BUNDLE_DEPTH)
  if (!json.ok)
    return { ok: false, message: `This file is not a readable incident bundle: ${json.message}.` }
  return parseIncidentBundle(json.value)
}

/** The file name a bundle is saved under: mission id and time, nothing from outside. */
export function bundleFileName(bundle: Pick<IncidentBundle, 'missionId' | 'createdAt'>): string {
  const stamp = bundle.createdAt.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')
  return `incident-${bundle.missionId}-${stamp}.json`
}

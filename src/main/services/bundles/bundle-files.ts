import type { TraceNode } from '../../../shared/console/domains/data'
import type { PreparedBundle } from '../../../shared/console/domains/bundles'
import {
  redact,
  redactableKeys,
  type RedactionOptions
} from '../../../shared/console/bundle/redact'
import {
  bundleFileName,
  IncidentBundleSchema,
  MAX_BUNDLE_BYTES,
  MAX_BUNDLE_DEPTH,
  type IncidentBundle
} from '../../../shared/console/bundle/schema'
import { findTooDeep, parseJsonCapped } from '../../../shared/json-depth'
import type { EntityType, TraceChain } from '../../../shared/neurorail'
import { CacheStore } from '../cache/cache-store'
import type { EnvironmentProfile } from '../environments/profile'
import type { SessionManager } from '../session/session-manager'
import { fail } from '../session/failures'
import { cacheRows } from '../session/records'

const NO_CHOICES: RedactionOptions = { allTags: false, tagKeys: [], detailKeys: [] }

/**
 * The bundle with parts nested deeper than MAX_BUNDLE_DEPTH (deep details a backend answered with,
 * kept by the client up to MAX_RESPONSE_DEPTH) replaced by a marker, so the file can be imported.
 */
function capDepth(bundle: IncidentBundle): IncidentBundle {
  const text = JSON.stringify(bundle)
  if (findTooDeep(text, MAX_BUNDLE_DEPTH) === null) return bundle
  const capped = parseJsonCapped(text, MAX_BUNDLE_DEPTH)
  const parsed = capped.ok ? IncidentBundleSchema.safeParse(capped.value) : null
  if (!parsed?.success)
    throw fail('internal', 'The bundle could not be cut down to the nesting a bundle may have.')
  return parsed.data
}

/**
 * Applies the redaction the operator chose (secrets always) to a collected bundle and measures it.
 * @throws ConsoleFailure too_large when the bundle, redacted, is over MAX_BUNDLE_BYTES.
 */
export function prepareBundle(
  collected: IncidentBundle,
  options: RedactionOptions
): PreparedBundle {
  const keys = redactableKeys(collected)
  const { value, removed, counts } = redact(capDepth(collected), options)
  const bundle: IncidentBundle = {
    ...value,
    redaction: {
      secrets: counts.secret,
      tagKeys: options.allTags ? ['*'] : [...options.tagKeys],
      detailKeys: [...options.detailKeys],
      removed: counts.secret + counts.tag + counts.detail
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(bundle), 'utf8')
  if (bytes > MAX_BUNDLE_BYTES) {
    throw fail(
      'too_large',
      `The bundle of ${bundle.missionId} would be ${bytes} bytes, over the ${MAX_BUNDLE_BYTES}-byte limit of an incident bundle.`
    )
  }
  return { bundle, removed, counts, keys, fileName: bundleFileName(bundle), bytes }
}

const CHAIN_LEVEL: Partial<Record<string, keyof TraceChain>> = {
  mission: 'mission',
  plan: 'plan',
  job: 'job',
  attempt: 'attempt',
  resource: 'resource'
}

/**
 * Writes a bundle into an (empty) cache file: records, states, transitions, audit, decisions,
 * reflex events, metrics, and a trace answer per entity, so that every page reads it as it reads
 * any cache of an environment whose backend is away.
 */
export function fillCacheFromBundle(cache: CacheStore, bundle: IncidentBundle): void {
  const walk = (node: TraceNode, above: TraceChain): void => {
    const level = CHAIN_LEVEL[node.entityType]
    const chain: TraceChain = level ? { ...above, [level]: node.record } : above
    cache.putRecords(
      cacheRows(node.entityType as EntityType, [node.record as Record<string, unknown>])
    )
    if (node.state) {
      cache.putStates([
        {
          entityType: node.entityType,
          entityId: node.entityId,
          state: node.state,
          updatedAt: bundle.createdAt
        }
      ])
    }
    cache.putSnapshot('trace', node.entityId, {
      entity_type: node.entityType,
      entity_id: node.entityId,
      trace_chain: chain,
      created_at: (node.record as { created_at: string }).created_at
    })
    for (const child of node.children) walk(child, chain)
  }
  const empty: TraceChain = { mission: null, plan: null, job: null, attempt: null, resource: null }
  walk(bundle.trace.root, empty)
  cache.putTransitions(bundle.history)
  cache.putAuditEvents(bundle.audit)
  cache.putDecisions(bundle.decisions)
  if (bundle.reflexActions.length > 0) cache.putStreamEvents(bundle.reflexActions)
  for (const metrics of bundle.metrics) cache.putSnapshot('metrics', metrics.entity_id, metrics)
}

/**
 * Adds a bundle as a read-only offline environment: a new profile of kind `bundle` and its cache
 * file filled from the bundle (secrets scrubbed again: the file came from outside). A bundle that
 * cannot be written leaves no profile behind.
 */
export async function installBundle(
  manager: SessionManager,
  received: IncidentBundle
): Promise<EnvironmentProfile> {
  const { value: bundle } = redact(received, NO_CHOICES)
  const name = `${bundle.environment.name.slice(0, 40)} · ${bundle.missionId}`
  const profile = await manager.environments.addBundle(name)
  try {
    const cache = CacheStore.open(manager.cachePath(profile))
    try {
      cache.clear()
      fillCacheFromBundle(cache, bundle)
      cache.flush()
    } finally {
      cache.close()
    }
  } catch (error) {
    await manager.remove(profile.id).catch(() => undefined)
    throw fail(
      'internal',
      `The bundle could not be written to its cache (${error instanceof Error ? error.message : String(error)}).`
    )
  }
  return profile
}

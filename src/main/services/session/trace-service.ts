import type { Stale, TraceNode, TraceResult } from '../../../shared/console/domains/data'
import {
  entityTypeOfId,
  TraceResponseSchema,
  type ChildrenResponse,
  type EntityType,
  type TraceChain
} from '../../../shared/neurorail'
import { isBackendError } from '../client/backend-error'
import { cachedRead, shouldUseCache, staleSince, tagCursor, untagCursor } from './cached-read'
import type { EnvironmentSession } from './environment-session'
import { fail } from './failures'
import { asRecord, asState, cacheRows, CHILD_TYPE, currentState, leaf, parentId, recordId } from './records'

/** Nodes of the downward tree fetched in one go (first page per level). */
const TREE_PAGE = 200
/** Nodes of a tree built from the cache (BRAiN, or offline). */
const CACHE_TREE_BUDGET = 500

const CHAIN_ORDER: EntityType[] = ['mission', 'plan', 'job', 'attempt', 'resource']

/** Which children-response list holds entities of a type. */
function listOf(response: ChildrenResponse, type: EntityType): Record<string, unknown>[] {
  switch (type) {
    case 'plan':
      return response.plans
    case 'job':
      return response.jobs
    case 'attempt':
      return response.attempts
    case 'resource':
      return response.resources
    default:
      return []
  }
}

/**
 * getTrace: the upward chain (backend, else the last answer, else rebuilt from cached records),
 * then the downward tree from the top-most entity — from our engine's children route where it
 * exists, else from what the cache has seen — each node with its current state.
 */
export async function getTrace(session: EnvironmentSession, entityId: string): Promise<TraceResult> {
  const type = entityTypeOfId(entityId)
  if (!type) throw fail('invalid_input', `${entityId} is not an entity id (m_/p_/j_/a_/r_ + 12 hex).`)
  let chain: TraceChain
  let stale: Stale = null
  try {
    const read = await cachedRead(session, 'trace', entityId, TraceResponseSchema, (client) => client.getTrace(type, entityId))
    chain = read.value.trace_chain
    stale = read.stale
  } catch (error) {
    if (isBackendError(error) && error.code === 'not_found') {
      throw fail('not_found', `No ${type} with the id ${entityId} exists on "${session.profile.name}".`, 404)
    }
    // Only an absent backend (or BRAiN's read bug) may be answered from the cache: a refused
    // credential must surface as such, not as "backend not reachable" with cached data.
    if (!shouldUseCache(error)) throw error
    const rebuilt = chainFromCache(session, type, entityId)
    if (!rebuilt) throw error
    chain = rebuilt.chain
    stale = rebuilt.stale
  }
  for (const level of CHAIN_ORDER) {
    const record = chain[level]
    if (record) session.cache.putRecords(cacheRows(level, [record as Record<string, unknown>]))
  }
  const rootType = CHAIN_ORDER.find((level) => chain[level] !== null) ?? null
  const root = rootType ? await buildTree(session, rootType, chain[rootType] as Record<string, unknown>, stale === null) : null
  return { entityId, entityType: type, chain, root, stale }
}

/** The chain rebuilt from cached records by walking parent ids; null when the entity was never seen. */
function chainFromCache(session: EnvironmentSession, type: EntityType, id: string): { chain: TraceChain; stale: Stale } | null {
  const chain: TraceChain = { mission: null, plan: null, job: null, attempt: null, resource: null }
  let current: { type: EntityType; id: string } | null = { type, id }
  let oldest = Infinity
  while (current) {
    const row = session.cache.getRecord(current.id)
    const record = row ? asRecord(row.record) : null
    if (!row || !record) break
    ;(chain as Record<EntityType, unknown>)[current.type] = record
    oldest = Math.min(oldest, row.seenAt)
    const parentType: EntityType | undefined = CHAIN_ORDER[CHAIN_ORDER.indexOf(current.type) - 1]
    const parent = parentId(current.type, record as Record<string, unknown>)
    current = parentType && parent ? { type: parentType, id: parent } : null
  }
  if (chain[type] === null) return null
  return { chain, stale: staleSince(oldest) }
}

async function buildTree(
  session: EnvironmentSession,
  rootType: EntityType,
  rootRecord: Record<string, unknown>,
  backendAnswered: boolean
): Promise<TraceNode | null> {
  const rootId = recordId(rootType, rootRecord)
  const record = asRecord(rootRecord)
  if (!record) return null
  const state = await currentState(session, rootType, rootId, backendAnswered)
  const root = leaf(rootType, record, state)
  const client = session.client
  if (backendAnswered && client) {
    try {
      await client.capabilities()
      if (client.has('children')) {
        const response = await client.getChildren(rootType, rootId, { limit: TREE_PAGE })
        session.noteData()
        return treeFromChildren(session, root, response)
      }
    } catch (error) {
      if (!shouldUseCache(error)) throw error
    }
  }
  const canList = Boolean(client?.has('children'))
  fillFromCache(session, root, { left: CACHE_TREE_BUDGET }, canList)
  return root
}

/** Assembles the tree from one children response (every level below the root, first page each). */
function treeFromChildren(session: EnvironmentSession, root: TraceNode, response: ChildrenResponse): TraceNode {
  const byParent = new Map<string, TraceNode[]>()
  for (let type = CHILD_TYPE[root.entityType]; type; type = CHILD_TYPE[type]) {
    const records = listOf(response, type)
    session.cache.putRecords(cacheRows(type, records))
    const states = records.flatMap((r) => {
      const s = asState(r.current_state)
      return s ? [{ entityType: type as string, entityId: recordId(type as EntityType, r), state: s, updatedAt: new Date().toISOString() }] : []
    })
    session.cache.putStates(states)
    for (const raw of records) {
      const record = asRecord(raw)
      const parent = parentId(type, raw)
      if (!record || !parent) continue
      const node = leaf(type, record, asState(raw.current_state))
      byParent.set(parent, [...(byParent.get(parent) ?? []), node])
    }
  }
  const attach = (node: TraceNode): void => {
    node.children = byParent.get(node.entityId) ?? []
    node.childCount = node.children.length
    node.children.forEach(attach)
  }
  attach(root)
  root.nextCursor = tagCursor('b', response.next_cursor)
  return root
}

/** Fills a node's subtree from cached children, breadth bounded by `budget`. */
function fillFromCache(session: EnvironmentSession, node: TraceNode, budget: { left: number }, canList: boolean): void {
  if (budget.left <= 0 || CHILD_TYPE[node.entityType] === null) return
  const page = session.cache.getChildren(node.entityId, { limit: Math.min(100, budget.left) })
  for (const row of page.items) {
    const childType = row.entityType as EntityType
    const record = asRecord(row.record)
    if (!record || childType !== CHILD_TYPE[node.entityType]) continue
    budget.left--
    const child = leaf(childType, record, asState(row.state))
    node.children.push(child)
    fillFromCache(session, child, budget, canList)
  }
  node.childCount = canList ? node.children.length : null
  node.nextCursor = tagCursor('c', page.nextCursor)
}

/** getChildren: the next page of one entity's direct children. */
export async function getChildren(
  session: EnvironmentSession,
  input: { entityType: EntityType; entityId: string; cursor?: string; limit?: number }
): Promise<{ items: TraceNode[]; nextCursor: string | null; stale: Stale }> {
  const childType = CHILD_TYPE[input.entityType]
  if (!childType) return { items: [], nextCursor: null, stale: null }
  const limit = Math.min(input.limit ?? 100, 500)
  const client = session.client
  let failure: unknown = null
  if (client) {
    try {
      await client.capabilities()
      if (client.has('children')) {
        const response = await client.getChildren(input.entityType, input.entityId, {
          cursor: untagCursor(input.cursor, 'b'),
          limit
        })
        session.noteData()
        const records = listOf(response, childType)
        session.cache.putRecords(cacheRows(childType, records))
        const items = records.flatMap((raw) => {
          const record = asRecord(raw)
          return record ? [leaf(childType, record, asState(raw.current_state))] : []
        })
        return { items, nextCursor: tagCursor('b', response.next_cursor), stale: null }
      }
    } catch (error) {
      if (isBackendError(error) && error.code === 'not_found') {
        throw fail('not_found', `No ${input.entityType} with the id ${input.entityId} exists on "${session.profile.name}".`, 404)
      }
      if (!shouldUseCache(error)) throw error
      failure = error
    }
  }
  const page = session.cache.getChildren(input.entityId, { cursor: untagCursor(input.cursor, 'c'), limit })
  const items = page.items.flatMap((row) => {
    const record = asRecord(row.record)
    return record && row.entityType === childType ? [leaf(childType, record, asState(row.state))] : []
  })
  const oldest = page.items.reduce((min, row) => Math.min(min, row.seenAt), Infinity)
  const stale = failure !== null || !client ? (Number.isFinite(oldest) ? staleSince(oldest) : null) : null
  return { items, nextCursor: tagCursor('c', page.nextCursor), stale }
}

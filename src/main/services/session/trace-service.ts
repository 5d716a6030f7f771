import type { Stale, TraceNode, TraceResult } from '../../../shared/console/domains/data'
import {
  TraceResponseSchema,
  type ChildrenResponse,
  type EntityType,
  type TraceChain
} from '../../../shared/neurorail'
import { isBackendError } from '../client/backend-error'
import { PAGE_LIMIT_MAX } from '../../../shared/neurorail/extensions'
import { cachedRead, shouldUseCache, staleSince, tagCursor, untagCursor } from './cached-read'
import type { EnvironmentSession } from './environment-session'
import { entityTypeOrFail, fail, unknownEntity } from './failures'
import {
  asRecord,
  asState,
  cacheRows,
  CHILD_TYPE,
  currentState,
  leaf,
  parentId,
  recordId
} from './records'

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
export async function getTrace(
  session: EnvironmentSession,
  entityId: string
): Promise<TraceResult> {
  const type = entityTypeOrFail(entityId)
  let chain: TraceChain
  let stale: Stale = null
  try {
    const read = await cachedRead(session, 'trace', entityId, TraceResponseSchema, (client) =>
      client.getTrace(type, entityId)
    )
    chain = read.value.trace_chain
    stale = read.stale
  } catch (error) {
    if (isBackendError(error) && error.code === 'not_found')
      throw unknownEntity(type, entityId, session.profile.name)
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
  const root = rootType
    ? await buildTree(session, rootType, chain[rootType] as Record<string, unknown>, stale === null)
    : null
  return { entityId, entityType: type, chain, root, stale }
}

/** The chain rebuilt from cached records by walking parent ids; null when the entity was never seen. */
function chainFromCache(
  session: EnvironmentSession,
  type: EntityType,
  id: string
): { chain: TraceChain; stale: Stale } | null {
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
        return treeFromChildren(session, root, response, TREE_PAGE)
      }
    } catch (error) {
      if (!shouldUseCache(error)) throw error
    }
  }
  const canList = Boolean(client?.has('children'))
  fillFromCache(session, root, { left: CACHE_TREE_BUDGET }, canList)
  return root
}

/**
 * Cursor of a node below the root whose first children came with its ancestor's page: "skip the
 * first n children of this node's own children route". The engine's children route pages every
 * level of a subtree with one offset, so a deeper node's next page has no backend cursor of its
 * own yet; getChildren turns this into one.
 */
const SKIP = 'k:'

function skipCursor(loaded: number): string {
  return `${SKIP}${loaded}`
}

/** The n of a skip cursor; undefined for other cursors; a failure for a malformed one. */
function skipOf(cursor: string | undefined): number | undefined {
  if (!cursor?.startsWith(SKIP)) return undefined
  const n = Number(cursor.slice(SKIP.length))
  if (!Number.isInteger(n) || n < 0 || n > 100_000)
    throw fail('invalid_input', 'The children cursor is not valid; reload the trace.')
  return n
}

/**
 * Assembles the tree from one children response (every level below the root, first page each).
 * The engine gives no child totals, but a level it returned in full (fewer rows than the page,
 * or no next cursor at all) tells every node above it its exact child count. Below a level that
 * was cut, a node's count is unknown (null) and it carries its own cursor to page on.
 */
function treeFromChildren(
  session: EnvironmentSession,
  root: TraceNode,
  response: ChildrenResponse,
  limit: number
): TraceNode {
  const byParent = new Map<string, TraceNode[]>()
  /** Whether each level (by entity type) came back complete. */
  const complete = new Map<EntityType, boolean>()
  for (let type = CHILD_TYPE[root.entityType]; type; type = CHILD_TYPE[type]) {
    const records = listOf(response, type)
    complete.set(type, response.next_cursor === null || records.length < limit)
    session.cache.putRecords(cacheRows(type, records))
    const states = records.flatMap((r) => {
      const s = asState(r.current_state)
      return s
        ? [
            {
              entityType: type as string,
              entityId: recordId(type as EntityType, r),
              state: s,
              updatedAt: new Date().toISOString()
            }
          ]
        : []
    })
    session.cache.putStates(states)
    for (const raw of records) {
      const record = asRecord(raw)
      const parent = parentId(type, raw)
      if (!record || !parent) continue
      const node = leaf(type, record, asState(raw.current_state))
      const siblings = byParent.get(parent)
      if (siblings) siblings.push(node)
      else byParent.set(parent, [node])
    }
  }
  // Iterative: a level may hold hundreds of nodes, each visited once.
  const stack: TraceNode[] = [root]
  while (stack.length) {
    const node = stack.pop()!
    const childType = CHILD_TYPE[node.entityType]
    node.children = byParent.get(node.entityId) ?? []
    if (!childType) {
      node.childCount = 0
      node.nextCursor = null
    } else if (complete.get(childType)) {
      node.childCount = node.children.length
      node.nextCursor = null
    } else {
      node.childCount = null
      node.nextCursor =
        node === root ? tagCursor('b', response.next_cursor) : skipCursor(node.children.length)
    }
    for (const child of node.children) stack.push(child)
  }
  return root
}

/** Fills a node's subtree from cached children, breadth bounded by `budget`. */
function fillFromCache(
  session: EnvironmentSession,
  node: TraceNode,
  budget: { left: number },
  canList: boolean
): void {
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
  node.nextCursor = tagCursor('c', page.nextCursor)
  // What the cache holds is a count only when it holds all of them (and the backend can list).
  node.childCount = canList && node.nextCursor === null ? node.children.length : null
}

/** getChildren: the next page of one entity's direct children. */
export async function getChildren(
  session: EnvironmentSession,
  input: { entityType: EntityType; entityId: string; cursor?: string; limit?: number }
): Promise<{ items: TraceNode[]; nextCursor: string | null; stale: Stale }> {
  const childType = CHILD_TYPE[input.entityType]
  if (!childType) return { items: [], nextCursor: null, stale: null }
  const limit = Math.min(input.limit ?? 100, PAGE_LIMIT_MAX)
  const skip = skipOf(input.cursor)
  const client = session.client
  let failure: unknown = null
  if (client) {
    try {
      await client.capabilities()
      if (client.has('children')) {
        let cursor = untagCursor(input.cursor, 'b')
        let drop = skip ?? 0
        while (drop >= PAGE_LIMIT_MAX) {
          // Too far in for one page: reads that only move the cursor past the skipped children.
          const page = await client.getChildren(input.entityType, input.entityId, {
            cursor,
            limit: PAGE_LIMIT_MAX
          })
          if (page.next_cursor === null) return { items: [], nextCursor: null, stale: null }
          cursor = page.next_cursor
          drop -= PAGE_LIMIT_MAX
        }
        // Skipped and wanted children share one page: a shorter page beats a second read.
        const response = await client.getChildren(input.entityType, input.entityId, {
          cursor,
          limit: drop + Math.min(limit, PAGE_LIMIT_MAX - drop)
        })
        session.noteData()
        const records = listOf(response, childType).slice(drop)
        session.cache.putRecords(cacheRows(childType, records))
        const items = records.flatMap((raw) => {
          const record = asRecord(raw)
          return record ? [leaf(childType, record, asState(raw.current_state))] : []
        })
        return { items, nextCursor: tagCursor('b', response.next_cursor), stale: null }
      }
    } catch (error) {
      if (isBackendError(error) && error.code === 'not_found')
        throw unknownEntity(input.entityType, input.entityId, session.profile.name)
      if (!shouldUseCache(error)) throw error
      failure = error
    }
  }
  // A skip cursor continues a backend tree from the cache: skip as many cached children.
  const cached = session.cache.getChildren(input.entityId, {
    cursor: untagCursor(input.cursor, 'c'),
    limit: (skip ?? 0) + limit
  })
  const page = skip ? { items: cached.items.slice(skip), nextCursor: cached.nextCursor } : cached
  const items = page.items.flatMap((row) => {
    const record = asRecord(row.record)
    return record && row.entityType === childType
      ? [leaf(childType, record, asState(row.state))]
      : []
  })
  const oldest = page.items.reduce((min, row) => Math.min(min, row.seenAt), Infinity)
  const stale =
    failure !== null || !client ? (Number.isFinite(oldest) ? staleSince(oldest) : null) : null
  return { items, nextCursor: tagCursor('c', page.nextCursor), stale }
}

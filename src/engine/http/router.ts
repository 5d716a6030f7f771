import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Permission } from '../../shared/neurorail'
import { compileRoute, type RouteDef } from './route'

/** The authenticated caller of a request. */
export interface Principal {
  token: string
  role: 'viewer' | 'operator' | 'admin'
  name: string
}

/** What a route handler sees of one request. */
export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  /** Path parameters, already URI-decoded. */
  params: Record<string, string>
  query: URLSearchParams
  /** Parsed JSON body (undefined when the request had none). */
  body: unknown
  principal: Principal
  requestId: string
}

/** A non-200 or non-JSON answer. A handler that returns anything else gets 200 + JSON of it. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
    /** When set, `body` is sent as-is with this content type instead of as JSON. */
    readonly contentType?: string
  ) {}
}

/** Returned by handlers that wrote the response themselves (SSE). */
export const HANDLED: unique symbol = Symbol('handled')

/** A route handler: returns a JSON body (200), a Reply, or HANDLED; may be async; may throw HttpError. */
export type Handler = (ctx: RequestContext) => unknown

/** Route options. */
export interface RouteOptions {
  /** The RBAC permission (§7) a caller needs; `null` means any authenticated role. */
  permission: Permission | null
  /** Accept the token from `?access_token=` too (EventSource in a browser cannot send headers). */
  queryToken?: boolean
  /** Long-lived response (SSE): not counted as in-flight for graceful shutdown. */
  streaming?: boolean
  /** The handler reads the body itself from `req`. */
  rawBody?: boolean
  /** Served outside the API prefix (see `RouteDef.absolute`). */
  absolute?: boolean
}

/** A registered route. */
export interface Route extends RouteOptions {
  method: string
  pattern: string
  handler: Handler
}

interface Node {
  statics: Map<string, Node>
  param: { name: string; node: Node } | null
  routes: Map<string, Route>
}

function newNode(): Node {
  return { statics: new Map(), param: null, routes: new Map() }
}

/** Result of a lookup: the route and its params, or which methods exist for the path (405). */
export type Match =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allowed: string[] }
  | { kind: 'not_found' }

/**
 * A segment trie router. Static segments win over `:param` segments (so `/identity/trace/…` is
 * never taken for `/identity/:type/…`), and lookups cost one map probe per path segment.
 */
export class Router {
  private readonly root = newNode()
  private readonly all: Route[] = []

  /** Registers `handler` for `method` and `pattern` (relative to the API prefix, e.g. `/identity/mission/:id`). */
  add(method: string, pattern: string, options: RouteOptions, handler: Handler): void {
    let node = this.root
    for (const seg of split(pattern)) {
      if (seg.startsWith(':')) {
        const name = seg.slice(1)
        if (node.param && node.param.name !== name) {
          throw new Error(`Route ${pattern}: parameter :${name} clashes with :${node.param.name}`)
        }
        node.param ??= { name, node: newNode() }
        node = node.param.node
      } else {
        let next = node.statics.get(seg)
        if (!next) {
          next = newNode()
          node.statics.set(seg, next)
        }
        node = next
      }
    }
    if (node.routes.has(method)) throw new Error(`Duplicate route ${method} ${pattern}`)
    const route: Route = { ...options, method, pattern, handler }
    node.routes.set(method, route)
    this.all.push(route)
  }

  /** Registers routes declared as data (see `./route`): their inputs are validated before the handler. */
  addRoutes(defs: readonly RouteDef[]): void {
    // Routes outside the API prefix live in the engine's other router (see `absolute`).
    const absolute = defs.find((def) => def.absolute)
    if (absolute)
      throw new Error(`Route ${absolute.path} is absolute: add it with addAbsoluteRoutes`)
    this.register(defs)
  }

  /** Registers routes served outside the API prefix (a router of their own, see `startEngine`). */
  addAbsoluteRoutes(defs: readonly RouteDef[]): void {
    this.register(defs)
  }

  private register(defs: readonly RouteDef[]): void {
    for (const def of defs) {
      const { options, handler } = compileRoute(def)
      this.add(def.method, def.path, options, handler)
    }
  }

  get(pattern: string, options: RouteOptions, handler: Handler): void {
    this.add('GET', pattern, options, handler)
  }

  post(pattern: string, options: RouteOptions, handler: Handler): void {
    this.add('POST', pattern, options, handler)
  }

  delete(pattern: string, options: RouteOptions, handler: Handler): void {
    this.add('DELETE', pattern, options, handler)
  }

  /** Every registered route (for capabilities and tests). */
  routes(): readonly Route[] {
    return this.all
  }

  /** Finds the route for `method` and `path` (path relative to the API prefix). */
  match(method: string, path: string): Match {
    const params: Record<string, string> = {}
    const node = walk(this.root, split(path), 0, params)
    if (!node || node.routes.size === 0) return { kind: 'not_found' }
    const route =
      node.routes.get(method) ?? (method === 'HEAD' ? node.routes.get('GET') : undefined)
    if (!route) return { kind: 'method_not_allowed', allowed: [...node.routes.keys()] }
    return { kind: 'found', route, params }
  }
}

function walk(node: Node, segs: string[], i: number, params: Record<string, string>): Node | null {
  if (i === segs.length) return node.routes.size > 0 ? node : null
  const seg = segs[i] as string
  const st = node.statics.get(seg)
  if (st) {
    const found = walk(st, segs, i + 1, params)
    if (found) return found
  }
  if (node.param) {
    let value: string
    try {
      value = decodeURIComponent(seg)
    } catch {
      return null
    }
    const found = walk(node.param.node, segs, i + 1, params)
    if (found) {
      params[node.param.name] = value
      return found
    }
  }
  return null
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0)
}

import type { z } from 'zod'
import type { Permission } from '../../shared/neurorail'
import { queryObject } from './query'
import type { Handler, RequestContext, RouteOptions } from './router'
import { parseOr422 } from './validation'

/** Methods a route may answer. */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

type Out<S> = S extends z.ZodType ? z.output<S> : undefined

/** What a data-declared route's handler receives: its validated inputs and the request. */
export interface RouteInput<P, Q, B> {
  params: Out<P>
  query: Out<Q>
  body: Out<B>
  ctx: RequestContext
}

/**
 * A route declared as data: the router validates `params` (422, `loc: ['path', …]`), `query`
 * (`['query', …]`) and `body` (`['body', …]`) with the schemas before the handler runs, so a
 * handler never parses or casts by hand. `permission` is the RBAC permission (§7) a caller needs,
 * typed so that a misspelt one does not compile; `null` admits any authenticated role.
 */
export interface RouteDef<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined
> {
  method: RouteMethod
  /** Relative to the API prefix (unless `absolute`); `:name` segments are path parameters. */
  path: string
  /**
   * Served at `path` itself, outside the API prefix (`POST /v1/traces`, the path every OTLP
   * exporter appends); such routes are never served under the prefix, nor prefix routes outside it.
   */
  absolute?: boolean
  /** The handler reads the request body itself (`ctx.req`): no JSON parsing first (OTLP protobuf). */
  rawBody?: boolean
  permission: Permission | null
  params?: P
  query?: Q
  body?: B
  /** Query keys read as lists (repeated or comma-separated), see `queryObject`. */
  queryLists?: readonly string[]
  /** Accept the token from `?access_token=` (EventSource cannot send headers). */
  queryToken?: boolean
  /** Long-lived response (SSE): not counted as in-flight for graceful shutdown. */
  streaming?: boolean
  /** Returns a JSON body (200), a `Reply`, or `HANDLED`; may throw domain errors. */
  handler: (input: RouteInput<P, Q, B>) => unknown
}

/** Declares one route; the generic parameters carry the schemas' output types to the handler. */
export function route<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined
>(def: RouteDef<P, Q, B>): RouteDef {
  return def as unknown as RouteDef
}

/** The router's view of a declared route: its options and a handler that validates first. */
export function compileRoute(def: RouteDef): { options: RouteOptions; handler: Handler } {
  const { params, query, body, queryLists = [] } = def
  return {
    options: {
      permission: def.permission,
      ...(def.queryToken ? { queryToken: true } : {}),
      ...(def.streaming ? { streaming: true } : {}),
      ...(def.rawBody ? { rawBody: true } : {}),
      ...(def.absolute ? { absolute: true } : {})
    },
    handler: (ctx) =>
      def.handler({
        params: params ? parseOr422(params, ctx.params, 'path') : undefined,
        query: query ? parseOr422(query, queryObject(ctx.query, queryLists), 'query') : undefined,
        body: body ? parseOr422(body, ctx.body) : undefined,
        ctx
      } as RouteInput<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>)
  }
}

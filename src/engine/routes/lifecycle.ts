import {
  HistoryQuerySchema,
  LifecycleEntityTypeSchema,
  TransitionRequestSchema,
  type LifecycleEntityType
} from '../../shared/neurorail'
import { HttpError } from '../http/errors'
import { route, type RouteDef } from '../http/route'
import type { EngineServices } from '../services'
import { batchItems, runBatch, TransitionBatchRequestSchema } from './batch'
import { TypedIdParams } from './params'

/** The real backend answers a non-lifecycle type (e.g. plan) with 400 and a string detail. */
function lifecycleType(raw: string): LifecycleEntityType {
  const t = LifecycleEntityTypeSchema.safeParse(raw)
  if (!t.success)
    throw new HttpError(400, `Invalid entity type: ${raw}. Must be one of mission, job, attempt`)
  return t.data
}

/** Lifecycle routes (API §3–§4) plus `GET /lifecycle/stats` and `POST /lifecycle/batch`. */
export function lifecycleRoutes({ lifecycle }: EngineServices): RouteDef[] {
  return [
    route({
      method: 'POST',
      path: '/lifecycle/:entity_type/:id/transition',
      permission: 'execute:job',
      params: TypedIdParams,
      body: TransitionRequestSchema,
      // As on the real backend, the path's id wins over the body's entity_id.
      handler: ({ params, body }) =>
        lifecycle.transition(
          lifecycleType(params.entity_type),
          params.id,
          body.transition,
          body.metadata,
          body.caused_by
        )
    }),
    // Extension: several transitions in one round trip, applied in order as the single route would
    // apply them, stopping at the first failure (see LifecycleService.transitionAll).
    route({
      method: 'POST',
      path: '/lifecycle/batch',
      permission: 'execute:job',
      body: TransitionBatchRequestSchema,
      handler: ({ body }) => runBatch(lifecycle, batchItems(body))
    }),
    route({
      method: 'GET',
      path: '/lifecycle/:entity_type/:id/state',
      permission: 'read:lifecycle',
      params: TypedIdParams,
      handler: ({ params }) => lifecycle.state(lifecycleType(params.entity_type), params.id)
    }),
    route({
      method: 'GET',
      path: '/lifecycle/:entity_type/:id/history',
      permission: 'read:lifecycle',
      params: TypedIdParams,
      query: HistoryQuerySchema,
      handler: ({ params, query }) =>
        lifecycle.history(lifecycleType(params.entity_type), params.id, query.limit)
    }),
    route({
      method: 'GET',
      path: '/lifecycle/stats',
      permission: 'read:lifecycle',
      handler: () => lifecycle.stats()
    })
  ]
}

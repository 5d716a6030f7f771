import {
  HistoryQuerySchema,
  LifecycleEntityTypeSchema,
  TransitionRequestSchema,
  type LifecycleEntityType
} from '../../shared/neurorail'
import { HttpError } from '../http/errors'
import { parseBatch } from '../lifecycle/batch'
import { queryObject } from '../http/query'
import type { Router } from '../http/router'
import { parseOr422 } from '../http/validation'
import type { EngineServices } from '../services'

/** The real backend answers a non-lifecycle type (e.g. plan) with 400 and a string detail. */
function lifecycleType(raw: string | undefined): LifecycleEntityType {
  const t = LifecycleEntityTypeSchema.safeParse(raw)
  if (!t.success) throw new HttpError(400, `Invalid entity type: ${raw}. Must be one of mission, job, attempt`)
  return t.data
}

/** Lifecycle routes (API §3–§4) plus `GET /lifecycle/stats` and `POST /lifecycle/batch`. */
export function registerLifecycleRoutes(router: Router, s: EngineServices): void {
  const { lifecycle } = s
  router.post('/lifecycle/:entity_type/:id/transition', { permission: 'execute:job' }, (c) => {
    const type = lifecycleType(c.params.entity_type)
    const body = parseOr422(TransitionRequestSchema, c.body)
    // As on the real backend, the path's id wins over the body's entity_id.
    return lifecycle.transition(type, c.params.id as string, body.transition, body.metadata, body.caused_by)
  })
  // Extension: several transitions in one round trip, applied in order as the single route would
  // apply them, stopping at the first failure (see LifecycleService.transitionAll).
  router.post('/lifecycle/batch', { permission: 'execute:job' }, (c) => lifecycle.transitionAll(parseBatch(c.body)))
  router.get('/lifecycle/:entity_type/:id/state', { permission: 'read:lifecycle' }, (c) =>
    lifecycle.state(lifecycleType(c.params.entity_type), c.params.id as string)
  )
  router.get('/lifecycle/:entity_type/:id/history', { permission: 'read:lifecycle' }, (c) => {
    const type = lifecycleType(c.params.entity_type)
    const q = parseOr422(HistoryQuerySchema, queryObject(c.query), 'query')
    return lifecycle.history(type, c.params.id as string, q.limit)
  })
  router.get('/lifecycle/stats', { permission: 'read:lifecycle' }, () => lifecycle.stats())
}

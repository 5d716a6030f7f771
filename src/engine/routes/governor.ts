import { DecideRequestSchema, PageQuerySchema } from '../../shared/neurorail'
import { queryObject } from '../http/query'
import type { Router } from '../http/router'
import { parseOr422 } from '../http/validation'
import type { EngineServices } from '../services'

/** Governor routes (API §3) plus the decision list extension. */
export function registerGovernorRoutes(router: Router, s: EngineServices): void {
  const { governor } = s
  router.post('/governor/decide', { permission: 'execute:job' }, (c) =>
    governor.decide(parseOr422(DecideRequestSchema, c.body))
  )
  router.get('/governor/info', { permission: 'read:governor' }, () => governor.info())
  router.get('/governor/decisions', { permission: 'read:governor' }, (c) => {
    const q = parseOr422(PageQuerySchema, queryObject(c.query), 'query')
    return governor.list(q.cursor, q.limit)
  })
}

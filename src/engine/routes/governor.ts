import { DecideRequestSchema, PageQuerySchema } from '../../shared/neurorail'
import { route, type RouteDef } from '../http/route'
import type { EngineServices } from '../services'

/** Governor routes (API §3) plus the decision list extension. */
export function governorRoutes({ governor }: EngineServices): RouteDef[] {
  return [
    route({
      method: 'POST',
      path: '/governor/decide',
      permission: 'execute:job',
      body: DecideRequestSchema,
      handler: ({ body }) => governor.decide(body)
    }),
    route({
      method: 'GET',
      path: '/governor/info',
      permission: 'read:governor',
      handler: () => governor.info()
    }),
    route({
      method: 'GET',
      path: '/governor/decisions',
      permission: 'read:governor',
      query: PageQuerySchema,
      handler: ({ query }) => governor.list(query.cursor, query.limit)
    })
  ]
}

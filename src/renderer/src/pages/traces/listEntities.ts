import type { ListEntitiesInput } from '../../../../shared/console/domains/data'
import type { ListKind } from '../../lib/nav/listView'
import { api } from '../../lib/transport/api'

/** One page of missions, jobs or attempts, through the ConsoleApi method of that kind. */
export function listEntities(kind: ListKind, input: ListEntitiesInput) {
  const console = api()
  if (kind === 'jobs') return console.listJobs(input)
  return kind === 'attempts' ? console.listAttempts(input) : console.listMissions(input)
}

import type { ConsoleService } from '../console-service'

/**
 * Adds a bearer-token environment to `service` as an operator does (addEnvironment, setCredential
 * with `token`, switchEnvironment) and returns its id; the environment is then the active one.
 * `fields` are addEnvironment's, less the auth kind.
 */
export async function openTokenEnvironment(
  service: ConsoleService,
  fields: { name: string; baseUrl: string; color?: string },
  token: string
): Promise<string> {
  const { id } = (await service.invoke('addEnvironment', { ...fields, authKind: 'bearer' })) as {
    id: string
  }
  await service.invoke('setCredential', { environmentId: id, credential: { kind: 'token', token } })
  await service.invoke('switchEnvironment', { id })
  return id
}

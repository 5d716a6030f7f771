import type { MethodDefinition } from '../../../shared/console/define'
import { fail } from './failures'

/** What the policy needs to know about the active environment at call time. */
export interface ActiveEnvironmentInfo {
  name: string
  readOnly: boolean
  /** An imported incident bundle (`bundle`) is read-only whatever its flag says. */
  kind?: string
}

/**
 * The read-only policy. The console service applies it once, to every method before its handler
 * runs (Electron IPC, browser mode and anything else calling `invoke` all pass there): a method
 * marked `write: true` in the contract is refused while the active environment is read-only.
 * Checked at call time, so toggling the flag or switching environments takes effect at once. Reads
 * pass without looking at the environment at all.
 * @throws ConsoleFailure `read_only` with a sentence naming the environment and the method.
 */
export async function refuseWriteWhenReadOnly(
  method: string,
  definition: MethodDefinition,
  active: () => Promise<ActiveEnvironmentInfo>
): Promise<void> {
  if (definition.write !== true) return
  const env = await active()
  if (!env.readOnly && env.kind !== 'bundle') return
  throw fail(
    'read_only',
    env.kind === 'bundle'
      ? `"${env.name}" is an imported incident bundle, read-only for good, so ControlDeck refused ${method}: ` +
          'it changes a backend or starts a process that does. Switch to a live environment to do that.'
      : `"${env.name}" is read-only, so ControlDeck refused ${method}: it changes the backend or starts a ` +
          'process that does. Turn read-only off for this environment to allow it.'
  )
}

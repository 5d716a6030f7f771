import { constants } from 'node:os'
import path from 'node:path'
import type { EventPayload } from '../../../../shared/console/api'
import type { LocalRunView } from '../../../../shared/console/domains/runs'
import { CliError, holdProcessSignals, stopSignalOf, type CliCommand, type CliIo } from '../args'
import { withCliConsole, type CliConsole } from './cli-session'

type RunOutput = EventPayload<'onRunOutput'>

/** Exit code of a process that ended by `signal` (shell convention 128 + n). */
function signalExitCode(signal: string): number {
  const n = (constants.signals as Record<string, number | undefined>)[signal]
  return n === undefined ? 1 : 128 + n
}

function ended(run: LocalRunView | undefined): run is LocalRunView {
  return run?.status === 'exited' || run?.status === 'failed'
}

/**
 * Starts `script` with `startLocalRun` (refused on a read-only environment by the console's own
 * check, before anything starts), prints the mission id first, then the pushed `onRunOutput`,
 * and resolves with the exit code once `onRunsChanged` says the run ended. A stop (Ctrl-C, see
 * CliIo.stopSignal) stops the agent with `stopLocalRun` (SIGTERM, SIGKILL after 3 s).
 */
async function runAgent(
  api: CliConsole,
  script: string,
  json: boolean,
  io: CliIo
): Promise<number> {
  const print = (batch: RunOutput): void => {
    if (json) io.out(JSON.stringify({ type: 'output', stream: batch.stream, text: batch.text }))
    else if (batch.stream === 'stdout') io.out(batch.text)
    else io.err(batch.text)
  }
  // Output is held until the mission id is printed, so it is always the first line. This
  // command's console runs only this agent, so every run event is about it.
  let held: RunOutput[] | null = []
  let latest: LocalRunView | undefined
  let finish: (run: LocalRunView) => void = () => undefined
  const finished = new Promise<LocalRunView>((resolve) => (finish = resolve))
  api.on('onRunOutput', (batch) => (held ? held.push(batch) : print(batch)))
  api.on('onRunsChanged', ({ runs }) => {
    latest = runs.find((r) => r.runId === latest?.runId) ?? latest
    if (ended(latest)) finish(latest)
  })
  const run = await api.invoke('startLocalRun', { script })
  latest = run
  if (json) {
    const { environments, activeId } = await api.invoke('listEnvironments', {})
    const environment = environments.find((e) => e.id === activeId)?.name ?? activeId
    io.out(JSON.stringify({ type: 'run', runId: run.runId, missionId: run.missionId, environment }))
  } else {
    io.out(`mission ${run.missionId ?? '(none)'}`)
  }
  held.forEach(print)
  held = null
  if (ended(run)) finish(run)
  // Ctrl-C stops the agent from here on (before, it ends the command as usual).
  const stop = stopSignalOf(io)
  const onStop = (): void => {
    io.err('stopping the agent: SIGTERM now, SIGKILL in 3 s if it has not ended')
    void api.invoke('stopLocalRun', { runId: run.runId }).catch(() => {})
    // A second Ctrl-C must not end the CLI before the agent: the stop ends in SIGKILL by itself.
    if (!io.stopSignal)
      holdProcessSignals(finished, () =>
        io.err('still stopping the agent: it gets SIGKILL at the latest 3 s after the first Ctrl-C')
      )
  }
  stop.addEventListener('abort', onStop, { once: true })
  const done = await finished
  stop.removeEventListener('abort', onStop)
  if (json) {
    io.out(
      JSON.stringify({
        type: 'exit',
        exitCode: done.exitCode,
        signal: done.signal,
        error: done.error
      })
    )
  }
  if (done.status === 'failed') throw new CliError(done.error ?? 'the agent could not start')
  return done.signal ? signalExitCode(done.signal) : (done.exitCode ?? 1)
}

/**
 * `controldeck run <script|demo:NAME>`: starts the agent as a child process wired to the current
 * (or `--url/--token`) environment, prints the mission id first, streams the agent's output and
 * exits with the agent's exit code. Ctrl-C stops the agent (SIGTERM, SIGKILL after 3 s). It goes
 * through the console's runs methods, so a read-only environment refuses it as the app does.
 */
export const runCommand: CliCommand = {
  name: 'run',
  summary:
    'run an agent script or a bundled demo (demo:flaky, demo:slow, demo:greedy) and stream its output',
  usage: 'run <script.js|script.mjs|script.ts|demo:NAME>',
  async run({ global, positionals, io }) {
    const [arg, ...extra] = positionals
    if (arg === undefined || extra.length) {
      throw new CliError(
        'run needs one script: a .js/.mjs/.ts file or demo:flaky, demo:slow, demo:greedy'
      )
    }
    // The contract takes absolute paths; on the command line a relative one means the cwd.
    const script = arg.startsWith('demo:') ? arg : path.resolve(arg)
    return withCliConsole(global, (api) => runAgent(api, script, global.json, io), 'runs')
  }
}

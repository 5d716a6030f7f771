import { constants } from 'node:os'
import path from 'node:path'
import { CliError, type CliCommand } from '../args'
import { withCliTarget } from './cli-session'
import { CONSOLE_METHODS } from '../../../../shared/console/api'
import { RunManager, type RunOutputBatch } from '../../runs/run-manager'
import { refuseWriteWhenReadOnly } from '../../session/read-only'

/** Exit code of a process that ended by `signal` (shell convention 128 + n). */
function signalExitCode(signal: string): number {
  const n = (constants.signals as Record<string, number | undefined>)[signal]
  return n === undefined ? 1 : 128 + n
}

/**
 * `controldeck run <script|demo:NAME>`: starts the agent as a child process wired to the current
 * (or `--url/--token`) environment, prints the mission id first, streams the agent's output and
 * exits with the agent's exit code. Ctrl-C stops the agent (SIGTERM, SIGKILL after 3 s).
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
    return withCliTarget(global, async (target) => {
      // The console's read-only policy, as startLocalRun meets it there: no agent on a read-only environment.
      await refuseWriteWhenReadOnly('run', CONSOLE_METHODS.startLocalRun, async () => ({
        name: target.label,
        readOnly: target.readOnly
      }))
      let announced = false
      const held: RunOutputBatch[] = []
      const print = (batch: RunOutputBatch): void => {
        if (global.json)
          io.out(JSON.stringify({ type: 'output', stream: batch.stream, text: batch.text }))
        else if (batch.stream === 'stdout') io.out(batch.text)
        else io.err(batch.text)
      }
      const manager = new RunManager({
        engine: () => target.runEngine(),
        // Output is held until the mission id is printed, so it is always the first line.
        onOutput: (batch) => (announced ? print(batch) : held.push(batch)),
        onChanged: () => undefined,
        flushMs: 20,
        // The agent inherits the CLI's environment (demo pacing knobs included).
        env: Object.fromEntries(
          Object.entries(io.env).filter((e): e is [string, string] => typeof e[1] === 'string')
        )
      })
      let runId: string | null = null
      const stop = (): void => {
        if (runId) void manager.stop(runId)
      }
      try {
        const run = await manager.start(script)
        runId = run.runId
        if (global.json) {
          io.out(
            JSON.stringify({
              type: 'run',
              runId: run.runId,
              missionId: run.missionId,
              environment: target.label
            })
          )
        } else {
          io.out(`mission ${run.missionId ?? '(none)'}`)
        }
        announced = true
        held.splice(0).forEach(print)
        process.on('SIGINT', stop)
        process.on('SIGTERM', stop)
        const done = await manager.waitForExit(run.runId)
        const exitCode =
          done.status === 'failed'
            ? 1
            : done.signal
              ? signalExitCode(done.signal)
              : (done.exitCode ?? 1)
        if (global.json) {
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
        return exitCode
      } finally {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
        await manager.dispose()
      }
    })
  }
}

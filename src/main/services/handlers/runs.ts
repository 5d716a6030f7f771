import { runsMethods } from '../../../shared/console/domains/runs'
import type { HandlerModule, ServiceContext } from '../context'
import { RunManager, type RunEngine } from '../runs/run-manager'
import { DEMOS } from '../runs/scripts'

/** Handlers of the runs domain: local agent runs against the embedded engine (or `runBackend`). */
export function createRunsHandlers(ctx: ServiceContext): HandlerModule<typeof runsMethods> {
  // The engine host may offer addToken (in-process); then every run gets its own operator token.
  const engine = (): RunEngine | null => ctx.runBackend ?? (ctx.localEngine as RunEngine | null)
  const runs = new RunManager({
    engine,
    onOutput: (batch) => ctx.events.emit('onRunOutput', batch),
    onChanged: (list) => ctx.events.emit('onRunsChanged', { runs: list })
  })

  return {
    handlers: {
      async listLocalRuns() {
        return { runs: runs.list(), demos: [...DEMOS], engineAvailable: engine() !== null }
      },
      startLocalRun: ({ script }) => runs.start(script),
      stopLocalRun: ({ runId }) => runs.stop(runId),
      async getRunOutput({ runId, afterSeq }) {
        return runs.output(runId, afterSeq)
      }
    },
    dispose: () => runs.dispose()
  }
}

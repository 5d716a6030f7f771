import { runsMethods } from '../../../shared/console/domains/runs'
import type { HandlerModule, ServiceContext } from '../context'
import { GovernanceApi } from '../runs/governance'
import { RunManager, type RunEngine } from '../runs/run-manager'
import { DEMOS } from '../runs/scripts'

/**
 * Handlers of the runs domain: governance views of the active environment (reflex, budget,
 * signals, manifests) and local agent runs against the embedded engine.
 */
export function createRunsHandlers(ctx: ServiceContext): HandlerModule<typeof runsMethods> {
  const governance = new GovernanceApi(async () => (await ctx.sessions.active()).client)
  // The engine host may offer addToken (in-process); then every run gets its own operator token.
  const engine = (): RunEngine | null => ctx.localEngine as RunEngine | null
  const runs = new RunManager({
    engine,
    onOutput: (batch) => ctx.events.emit('onRunOutput', batch),
    onChanged: (list) => ctx.events.emit('onRunsChanged', { runs: list })
  })

  return {
    handlers: {
      listCircuits: () => governance.circuits(),
      resetCircuit: ({ circuitId }) => governance.resetCircuit(circuitId),
      listReflexActions: ({ limit }) => governance.actions(limit),
      suspendJob: ({ jobId, reason }) => governance.suspendJob(jobId, reason),
      resumeJob: ({ jobId, force, reason }) => governance.resumeJob(jobId, force, reason),
      getBudgetOverview: (input) => governance.budgetOverview(input),
      listViolations: ({ limit, jobId }) => governance.violations(limit, jobId),
      listSignals: ({ limit }) => governance.signals(limit),
      getGovernorManifests: () => governance.manifests(),
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

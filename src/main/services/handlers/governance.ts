import { governanceMethods } from '../../../shared/console/domains/governance'
import type { HandlerModule, ServiceContext } from '../context'
import { GovernanceApi } from '../governance/governance'

/**
 * Handlers of the governance domain: the governance views of the active environment (reflex,
 * budget, signals, manifests).
 */
export function createGovernanceHandlers(
  ctx: ServiceContext
): HandlerModule<typeof governanceMethods> {
  const governance = new GovernanceApi(async () => (await ctx.sessions.active()).client)
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
      getGovernorManifests: () => governance.manifests()
    }
  }
}

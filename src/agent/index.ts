/**
 * `controldeck/agent`: the ControlDeck agent SDK. Connect to a NeuroRail engine, create a mission
 * and a plan, and run governed jobs — each with its budget, attempts, retries, circuit-breaker
 * refusals, token/cost reports and every lifecycle transition recorded on the engine.
 *
 * @packageDocumentation
 */
export { connect, ControlDeckAgent } from './agent'
export { Mission, Plan } from './mission'
export { resolveBudget } from './job'
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff'
export {
  BudgetExceededError,
  BudgetTimeoutError,
  CancelledError,
  CircuitOpenError,
  ControlDeckError,
  CooldownError,
  GovernanceError,
  HttpStatusError,
  InvalidTransitionError,
  isControlDeckError,
  NetworkError,
  NonRetriableError,
  ParallelismError,
  RetryExhaustedError
} from './errors'
export type { GenAiInfo, OtelApi, OtelOptions, OtelSpan, OtelTracer } from './otel'
export type {
  Budget,
  BudgetInput,
  ConnectOptions,
  JobContext,
  JobFunction,
  JobOptions,
  JobOutcome,
  MissionOptions,
  Usage
} from './types'

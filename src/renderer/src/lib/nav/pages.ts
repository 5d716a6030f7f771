import type { PageId } from './router'

/** Sidebar label and one-line purpose of each page (also the command palette's entries). */
export const PAGE_INFO: Record<PageId, { label: string; purpose: string }> = {
  overview: {
    label: 'Overview',
    purpose: 'Connection, counts, live rate, errors and recent failures'
  },
  traces: { label: 'Traces', purpose: 'Mission → plan → job → attempt chains and their timelines' },
  runs: {
    label: 'Runs',
    purpose: 'Run a local agent or demo against the Local engine, with its output'
  },
  reflex: { label: 'Reflex', purpose: 'Circuit breakers, triggers, reflex actions, held jobs' },
  budget: { label: 'Budget', purpose: 'Timeouts, retries, parallelism, tokens, cost, violations' },
  lifecycle: {
    label: 'Lifecycle',
    purpose: 'Counts per state, the state machines, recent transitions'
  },
  audit: { label: 'Audit', purpose: 'Audit log with filters and search' },
  governor: { label: 'Governor', purpose: 'Mode decisions and active rules' },
  environments: { label: 'Environments', purpose: 'Backends, credentials and the local cache' }
}

/**
 * Governance tables (budgets, violations, reflexes, manifests, signals): governance's migration v1
 * (module `governance` in the store's per-module ledger). Never edit it once shipped: append a
 * new migration to GOVERNANCE_MIGRATIONS instead. Tables are prefixed `gov_` so they never clash
 * with the core engine's.
 */
export const GOVERNANCE_MIGRATION = `
  -- A job's effective budget (resolved once, when the job is created or first governed) and the
  -- retry accounting the enforcer keeps beside it.
  CREATE TABLE gov_job_budgets (
    job_id TEXT PRIMARY KEY,
    job_type TEXT NOT NULL,
    budget TEXT NOT NULL,
    source TEXT NOT NULL,
    rule_id TEXT,
    manifest_version TEXT,
    retries_used INTEGER NOT NULL DEFAULT 0,
    retry_history TEXT NOT NULL DEFAULT '[]',
    last_backoff_ms INTEGER,
    created_ms INTEGER NOT NULL
  );

  CREATE TABLE gov_violations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    violation_id TEXT NOT NULL UNIQUE,
    timestamp TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    mission_id TEXT,
    job_id TEXT,
    attempt_id TEXT,
    job_type TEXT,
    violation_type TEXT NOT NULL,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    details TEXT NOT NULL,
    action_taken TEXT NOT NULL
  );
  CREATE INDEX gov_violations_job ON gov_violations (job_id, seq);

  -- Breaker and reflex-job snapshots (toJSON of each), rehydrated at startup.
  CREATE TABLE gov_circuits (
    circuit_id TEXT PRIMARY KEY,
    snapshot TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
  );
  CREATE TABLE gov_reflex_jobs (
    job_id TEXT PRIMARY KEY,
    snapshot TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
  );

  CREATE TABLE gov_trigger_activations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    trigger_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    error_rate REAL NOT NULL,
    budget_violations INTEGER NOT NULL,
    job_id TEXT,
    details TEXT NOT NULL
  );

  CREATE TABLE gov_reflex_actions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    job_id TEXT,
    action_type TEXT NOT NULL,
    reason TEXT NOT NULL,
    success INTEGER NOT NULL,
    trigger_id TEXT,
    actor TEXT NOT NULL,
    details TEXT NOT NULL
  );

  -- Every manifest ever installed per slot; the newest row of a slot is the current one (a NULL
  -- body clears the slot). name+version identify one content forever (NR-E113 on reuse).
  CREATE TABLE gov_manifests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    slot TEXT NOT NULL,
    name TEXT,
    version TEXT,
    body TEXT,
    timestamp TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    installed_by TEXT
  );
  CREATE INDEX gov_manifests_slot ON gov_manifests (slot, seq);

  CREATE TABLE gov_shadow_disagreements (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    source TEXT NOT NULL,
    decision_id TEXT,
    job_id TEXT,
    job_type TEXT NOT NULL,
    fields TEXT NOT NULL,
    active TEXT NOT NULL,
    shadow TEXT NOT NULL,
    context TEXT NOT NULL
  );

  CREATE TABLE gov_signals (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    job_type TEXT NOT NULL,
    entity_id TEXT,
    metric TEXT NOT NULL,
    detector TEXT NOT NULL,
    value REAL NOT NULL,
    score REAL NOT NULL,
    baseline REAL NOT NULL,
    hint TEXT NOT NULL
  );
`

/**
 * Governance v2: "given up" marks (budget/give-up.ts): a job waiting in ready or failed_mechanical that its
 * agent, or the engine on spent retries, gave up on. One row per job; removed when it runs again.
 */
export const GOVERNANCE_GIVE_UP_MIGRATION = `
  CREATE TABLE gov_job_give_ups (
    job_id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    by_actor TEXT NOT NULL,
    state TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    ts_ms INTEGER NOT NULL
  );
`

/** Governance's migrations, in order (entry `i` moves its schema from version `i` to `i + 1`). */
export const GOVERNANCE_MIGRATIONS: readonly string[] = [
  GOVERNANCE_MIGRATION,
  GOVERNANCE_GIVE_UP_MIGRATION
]

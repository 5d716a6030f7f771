/**
 * The engine core's schema migrations (module `core` in the per-module ledger, see `./migrate`).
 * Each entry moves the core schema from version `index` to `index + 1`; modules (governance, …)
 * own their tables and migrations, kept beside their code.
 *
 * Never edit a shipped migration: append a new one. The core versions were v1, v3 and v4 of the
 * single list the engine kept before modules had their own (see LEGACY_VERSIONS).
 */
export const MIGRATIONS: readonly string[] = [
  // v1: identity records, current state, transition history, audit, governor, telemetry, event log.
  `
  CREATE TABLE missions (
    mission_id TEXT PRIMARY KEY,
    parent_mission_id TEXT,
    tags TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_ms INTEGER NOT NULL
  );
  CREATE INDEX missions_created ON missions (created_ms, mission_id);

  CREATE TABLE plans (
    plan_id TEXT PRIMARY KEY,
    mission_id TEXT NOT NULL REFERENCES missions (mission_id),
    plan_type TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_ms INTEGER NOT NULL
  );
  CREATE INDEX plans_mission ON plans (mission_id, created_ms);

  -- mission_id is denormalised onto jobs, attempts and resources so that list filters and the
  -- children route need no joins up the chain.
  CREATE TABLE jobs (
    job_id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES plans (plan_id),
    mission_id TEXT NOT NULL,
    job_type TEXT NOT NULL,
    dependencies TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_ms INTEGER NOT NULL
  );
  CREATE INDEX jobs_plan ON jobs (plan_id, created_ms);
  CREATE INDEX jobs_mission ON jobs (mission_id, created_ms);
  CREATE INDEX jobs_created ON jobs (created_ms, job_id);

  CREATE TABLE attempts (
    attempt_id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES jobs (job_id),
    mission_id TEXT NOT NULL,
    attempt_number INTEGER NOT NULL,
    metadata TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_ms INTEGER NOT NULL
  );
  CREATE INDEX attempts_job ON attempts (job_id, created_ms);
  CREATE INDEX attempts_created ON attempts (created_ms, attempt_id);

  CREATE TABLE resources (
    resource_uuid TEXT PRIMARY KEY,
    attempt_id TEXT NOT NULL REFERENCES attempts (attempt_id),
    job_id TEXT NOT NULL,
    mission_id TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_ms INTEGER NOT NULL
  );
  CREATE INDEX resources_attempt ON resources (attempt_id, created_ms);
  CREATE INDEX resources_job ON resources (job_id, created_ms);

  CREATE TABLE entity_state (
    entity_id TEXT PRIMARY KEY,
    entity_type TEXT NOT NULL,
    current_state TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
  );
  CREATE INDEX entity_state_by_state ON entity_state (entity_type, current_state);

  CREATE TABLE transitions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    transition TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    metadata TEXT NOT NULL,
    caused_by TEXT
  );
  CREATE INDEX transitions_entity ON transitions (entity_id, seq);

  -- Running totals for GET /lifecycle/stats, so it never scans the whole history.
  CREATE TABLE transition_counts (
    entity_type TEXT NOT NULL,
    from_state TEXT NOT NULL, -- '' for the first (create) transition
    to_state TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (entity_type, from_state, to_state)
  );

  CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    audit_id TEXT NOT NULL UNIQUE,
    timestamp TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    mission_id TEXT,
    plan_id TEXT,
    job_id TEXT,
    attempt_id TEXT,
    resource_uuid TEXT,
    event_type TEXT NOT NULL,
    event_category TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    details TEXT NOT NULL,
    caused_by_agent TEXT,
    caused_by_event TEXT
  );
  CREATE INDEX audit_ts ON audit_events (ts_ms);
  CREATE INDEX audit_mission ON audit_events (mission_id, seq);
  CREATE INDEX audit_job ON audit_events (job_id, seq);

  CREATE TABLE governor_decisions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    decision_id TEXT NOT NULL UNIQUE,
    timestamp TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    body TEXT NOT NULL
  );

  CREATE TABLE entity_metrics (
    entity_id TEXT PRIMARY KEY,
    entity_type TEXT NOT NULL,
    started_ms INTEGER,
    completed_ms INTEGER,
    duration_ms INTEGER,
    llm_tokens_consumed INTEGER NOT NULL DEFAULT 0,
    cost_credits REAL NOT NULL DEFAULT 0,
    cpu_time_ms REAL NOT NULL DEFAULT 0,
    memory_peak_mb REAL NOT NULL DEFAULT 0,
    attempt_count INTEGER NOT NULL DEFAULT 0,
    retry_count INTEGER NOT NULL DEFAULT 0,
    success INTEGER,
    error_type TEXT,
    error_category TEXT
  );
  CREATE INDEX entity_metrics_completed ON entity_metrics (entity_type, completed_ms);

  -- The durable log behind SSE: payload is the exact JSON of the data: line, serialised once.
  CREATE TABLE stream_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL
  );
  `,
  // v2 (single-list v3): who each audit entry was recorded for (JSON `{name, role}` of the request's principal;
  // NULL for the engine's own entries and for rows written before this version).
  `
  ALTER TABLE audit_events ADD COLUMN recorded_by TEXT;
  `,
  // v3 (single-list v4): the identity of the event log. `epoch` is drawn when the log is created, so a client can
  // tell this log from another one whose ids it remembers (a fresh or restored database, another
  // engine at the same address); `ancestors` remembers the epochs this one forked from and where
  // (src/engine/stream/resume.ts).
  `
  CREATE TABLE stream_log (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  INSERT INTO stream_log (key, value) VALUES ('epoch', lower(hex(randomblob(8))));
  `
]

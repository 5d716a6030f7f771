/**
 * The `otlp` module's tables (append only, see store/migrate.ts). `otlp_spans` keeps every span of
 * a trace (the key makes a retried export a no-op); a GenAI span with no `entity_id` yet is
 * pending (its parent chain is incomplete) or not mapped yet. `otlp_traces` maps a trace to its
 * mission.
 */
export const OTLP_INGEST_MIGRATIONS: readonly string[] = [
  `CREATE TABLE otlp_traces (
    trace_id TEXT PRIMARY KEY,
    mission_id TEXT,
    default_plan_id TEXT,
    span_count INTEGER NOT NULL DEFAULT 0,
    first_ms INTEGER NOT NULL
  );
  CREATE INDEX otlp_traces_unmapped ON otlp_traces (first_ms) WHERE mission_id IS NULL;
  CREATE TABLE otlp_spans (
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    parent_span_id TEXT,
    name TEXT NOT NULL,
    op TEXT,
    role TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    status_code INTEGER NOT NULL,
    status_message TEXT NOT NULL,
    agent_name TEXT,
    conversation_id TEXT,
    service_name TEXT,
    attributes TEXT NOT NULL,
    entity_id TEXT,
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (trace_id, span_id)
  ) WITHOUT ROWID;
  CREATE INDEX otlp_spans_pending ON otlp_spans (received_ms) WHERE entity_id IS NULL AND role != 'other';
  CREATE INDEX otlp_spans_entity ON otlp_spans (entity_id) WHERE entity_id IS NOT NULL;`,
  // The receiver stores and answers; the mapper works behind it. `dirty_spans`: spans of the
  // trace stored since it was last mapped (> 0 marks it for the mapper; their sum is the backlog).
  `ALTER TABLE otlp_traces ADD COLUMN dirty_spans INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX otlp_traces_dirty ON otlp_traces (first_ms) WHERE dirty_spans > 0;`
]

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
  CREATE INDEX otlp_traces_dirty ON otlp_traces (first_ms) WHERE dirty_spans > 0;`,
  // Settling reads only what it maps, so a trace of n spans settles in O(n log n) however many
  // slices and exports it takes. `waiting_for`: the span a pending job span waits for (its
  // missing ancestor, or an agent span not mapped yet); set when the job could not be mapped,
  // cleared when that span arrives or is mapped: until then it is not looked at again.
  // `otlp_spans_todo` holds exactly the spans to look at, in the order they are mapped;
  // `otlp_spans_root` the root spans. `tag_sources`: per mission tag, the earliest-starting span
  // naming it ([start_ms, span_id, value]), kept up to date as spans are stored. The mapper names
  // these indexes in its queries (INDEXED BY): without statistics SQLite would walk the trace's
  // primary-key range instead, once per span.
  `ALTER TABLE otlp_spans ADD COLUMN waiting_for TEXT;
  CREATE INDEX otlp_spans_todo ON otlp_spans (trace_id, role, start_ms, span_id)
    WHERE entity_id IS NULL AND role != 'other' AND waiting_for IS NULL;
  CREATE INDEX otlp_spans_waiting ON otlp_spans (trace_id, waiting_for) WHERE waiting_for IS NOT NULL;
  CREATE INDEX otlp_spans_root ON otlp_spans (trace_id, span_id) WHERE parent_span_id IS NULL;
  ALTER TABLE otlp_traces ADD COLUMN tag_sources TEXT;`
]

/**
 * Versioned schema of the console's local cache (one SQLite file per environment). Entry `i` moves
 * the file from version `i` to `i + 1`; the version lives in `user_version`, so an old file is
 * upgraded in place and a file written by a newer console is refused rather than misread.
 *
 * Never edit a shipped migration: append a new one.
 *
 * Every table carries `seen_at` (epoch ms when the console stored the row): retention deletes by
 * it, and "stale" answers report their age from it.
 */
export const CACHE_MIGRATIONS: readonly string[] = [
  // v1
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  -- Identity records and current lifecycle state in one row: a state can arrive before the record
  -- (from a stream event), so record is nullable. created_at orders children pages.
  CREATE TABLE entities (
    entity_id TEXT PRIMARY KEY,
    entity_type TEXT NOT NULL,
    parent_id TEXT,
    record TEXT,
    created_at TEXT NOT NULL DEFAULT '',
    state TEXT,
    state_updated_at TEXT,
    seen_at INTEGER NOT NULL
  );
  CREATE INDEX entities_parent ON entities (parent_id, created_at, entity_id);
  CREATE INDEX entities_seen ON entities (seen_at);

  -- BRAiN's evt_ ids are second-granular and only unique per database, so dedup on the pair.
  CREATE TABLE transitions (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    json TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    UNIQUE (entity_id, event_id)
  );
  CREATE INDEX transitions_entity ON transitions (entity_id, timestamp, seq);
  CREATE INDEX transitions_seen ON transitions (seen_at);

  -- timestamp is a UTC ISO string with Z (DateTimeSchema output): it sorts as text.
  CREATE TABLE audit (
    rowid INTEGER PRIMARY KEY,
    audit_id TEXT NOT NULL UNIQUE,
    timestamp TEXT NOT NULL,
    mission_id TEXT,
    job_id TEXT,
    event_type TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    json TEXT NOT NULL,
    seen_at INTEGER NOT NULL
  );
  CREATE INDEX audit_time ON audit (timestamp, audit_id);
  CREATE INDEX audit_mission ON audit (mission_id, timestamp, audit_id);
  CREATE INDEX audit_job ON audit (job_id, timestamp, audit_id);
  CREATE INDEX audit_type ON audit (event_type, timestamp, audit_id);
  CREATE INDEX audit_seen ON audit (seen_at);

  -- Free-text search over messages; external content so the text is stored once.
  CREATE VIRTUAL TABLE audit_fts USING fts5 (message, content='audit', content_rowid='rowid');
  CREATE TRIGGER audit_fts_ai AFTER INSERT ON audit BEGIN
    INSERT INTO audit_fts (rowid, message) VALUES (new.rowid, new.message);
  END;
  CREATE TRIGGER audit_fts_ad AFTER DELETE ON audit BEGIN
    INSERT INTO audit_fts (audit_fts, rowid, message) VALUES ('delete', old.rowid, old.message);
  END;

  CREATE TABLE decisions (
    decision_id TEXT PRIMARY KEY,
    timestamp TEXT NOT NULL,
    json TEXT NOT NULL,
    seen_at INTEGER NOT NULL
  );
  CREATE INDEX decisions_time ON decisions (timestamp, decision_id);
  CREATE INDEX decisions_seen ON decisions (seen_at);

  -- seq is delivery order (what pages and tails follow); id is the event's own id, unique.
  -- resumable marks ids the backend issued (usable as Last-Event-ID), as opposed to ids the
  -- client made up for id-less frames and polled audit events. No seen_at index: seq order is
  -- seen_at order, so retention walks seq.
  CREATE TABLE stream_events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    event_type TEXT NOT NULL,
    timestamp REAL NOT NULL,
    data TEXT NOT NULL,
    resumable INTEGER NOT NULL,
    seen_at INTEGER NOT NULL
  );
  CREATE INDEX stream_events_channel ON stream_events (channel, seq);

  -- Last-known answers (telemetry snapshot, stats, trace…) for offline display.
  CREATE TABLE snapshots (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
  );
  CREATE INDEX snapshots_seen ON snapshots (fetched_at);
  `,
  // v2: lists of cached entities by type (and state), newest first, as listEntities pages them on
  // backends without list routes; without these a page sorts every entity of the type.
  `
  CREATE INDEX entities_type_created ON entities (entity_type, created_at, entity_id);
  CREATE INDEX entities_type_state_created ON entities (entity_type, state, created_at, entity_id);
  `,
  // v3: stream event ids are unique per event-log epoch only (an engine on a fresh database counts
  // from 1 again): dedup on (id, epoch), '' for backends that name no epoch; id first, so the same
  // index finds an id's rows. SQLite cannot drop a UNIQUE constraint in place, so the table is
  // rebuilt (seq, i.e. delivery order, is kept).
  `
  CREATE TABLE stream_events_v3 (
    seq INTEGER PRIMARY KEY,
    epoch TEXT NOT NULL DEFAULT '',
    id TEXT NOT NULL,
    channel TEXT NOT NULL,
    event_type TEXT NOT NULL,
    timestamp REAL NOT NULL,
    data TEXT NOT NULL,
    resumable INTEGER NOT NULL,
    seen_at INTEGER NOT NULL,
    UNIQUE (id, epoch)
  );
  INSERT INTO stream_events_v3 (seq, id, channel, event_type, timestamp, data, resumable, seen_at)
    SELECT seq, id, channel, event_type, timestamp, data, resumable, seen_at FROM stream_events;
  DROP TABLE stream_events;
  ALTER TABLE stream_events_v3 RENAME TO stream_events;
  CREATE INDEX stream_events_channel ON stream_events (channel, seq);
  `
]

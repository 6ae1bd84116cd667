//! The database schema and its version. Bump `SCHEMA_VERSION` and add a step
//! to `migrate` when a table changes.

use rusqlite::Connection;

pub const SCHEMA_VERSION: i64 = 2;

const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    analyzer    TEXT NOT NULL,
    input       TEXT NOT NULL,
    config_json TEXT NOT NULL,
    stats_json  TEXT
);
-- Every version of every call seen, by content hash: the whole call as
-- LZ4-compressed JSON (transcripts compress 4-8x), and a summary without
-- transcripts for the statistics.
CREATE TABLE IF NOT EXISTS calls (
    call_id      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    call_lz4     BLOB NOT NULL,
    summary_json TEXT NOT NULL,
    PRIMARY KEY (call_id, content_hash)
) WITHOUT ROWID;
-- Which call versions a run covered, in input order.
CREATE TABLE IF NOT EXISTS run_calls (
    run_id       INTEGER NOT NULL REFERENCES runs(id),
    seq          INTEGER NOT NULL,
    call_id      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    PRIMARY KEY (run_id, call_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS run_calls_seq ON run_calls(run_id, seq);
-- One analysis per call version and analyzer: the cache.
CREATE TABLE IF NOT EXISTS analyses (
    call_id         TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    analyzer        TEXT NOT NULL,
    ok              INTEGER NOT NULL,
    metrics_json    TEXT NOT NULL,
    insight_json    TEXT,
    provenance_json TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (call_id, content_hash, analyzer)
) WITHOUT ROWID;
-- LLM request/response log for `inspect` (never holds keys).
CREATE TABLE IF NOT EXISTS request_log (
    id          INTEGER PRIMARY KEY,
    call_id     TEXT NOT NULL,
    analyzer    TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    http_status INTEGER,
    error       TEXT,
    request     TEXT NOT NULL,
    response    TEXT,
    latency_ms  INTEGER,
    created_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS request_log_call ON request_log(call_id);
-- LLM-written report narratives, keyed by a hash of the analyzer and the
-- section's figures: re-rendering unchanged figures costs nothing.
CREATE TABLE IF NOT EXISTS narratives (
    key        TEXT PRIMARY KEY,
    paragraphs TEXT NOT NULL
) WITHOUT ROWID;
-- Per-sentence detections (one row per utterance-table row, else per
-- parsed sentence) of a call version by a detector key.
CREATE TABLE IF NOT EXISTS utterances (
    call_id             TEXT NOT NULL,
    content_hash        TEXT NOT NULL,
    detector            TEXT NOT NULL,
    seq                 INTEGER NOT NULL,
    turn_index          INTEGER NOT NULL,
    turn                TEXT NOT NULL,
    speaker             TEXT NOT NULL,
    text                TEXT NOT NULL,
    objection           TEXT,
    objection_p         REAL NOT NULL,
    buying_signal       INTEGER NOT NULL,
    buying_signal_p     REAL NOT NULL,
    customer_question   INTEGER NOT NULL,
    customer_question_p REAL NOT NULL,
    agent_question      INTEGER NOT NULL,
    agent_question_p    REAL NOT NULL,
    asks_commitment     INTEGER NOT NULL,
    asks_commitment_p   REAL NOT NULL,
    rebuttal            INTEGER NOT NULL,
    rebuttal_p          REAL NOT NULL,
    PRIMARY KEY (call_id, content_hash, detector, seq)
) WITHOUT ROWID;
-- The detector key each run tagged its sentences with.
CREATE TABLE IF NOT EXISTS run_detectors (
    run_id   INTEGER PRIMARY KEY REFERENCES runs(id),
    detector TEXT NOT NULL
);
-- Batches submitted to a provider's batch API. A row and its calls are
-- committed before anything is sent (state 'preparing'); the provider's id
-- is recorded as soon as it answers ('submitted'); 'closed' once its
-- answers are stored. A call in an open batch is never sent again.
CREATE TABLE IF NOT EXISTS batches (
    id         INTEGER PRIMARY KEY,
    analyzer   TEXT NOT NULL,
    remote_id  TEXT,
    state      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batch_calls (
    batch_id     INTEGER NOT NULL REFERENCES batches(id),
    seq          INTEGER NOT NULL,
    call_id      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    PRIMARY KEY (batch_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS warnings (
    run_id  INTEGER NOT NULL REFERENCES runs(id),
    file    TEXT NOT NULL,
    row     INTEGER,
    col     TEXT,
    message TEXT NOT NULL
);
";

/// Version 2: each sentence records its call leg and where its speaker's
/// role came from, with what confidence.
const V2_UTTERANCE_ROLES: &str = "
ALTER TABLE utterances ADD COLUMN leg TEXT NOT NULL DEFAULT '';
ALTER TABLE utterances ADD COLUMN role_source TEXT;
ALTER TABLE utterances ADD COLUMN role_confidence REAL;
";

/// Creates or upgrades the schema. Refuses a database from a newer callscope.
pub fn migrate(conn: &Connection) -> Result<(), super::StoreError> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(super::StoreError::NewerSchema(version));
    }
    conn.execute_batch(SCHEMA_V1)?;
    if version < 2 {
        conn.execute_batch(V2_UTTERANCE_ROLES)?;
    }
    conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    Ok(())
}

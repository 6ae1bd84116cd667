//! The SQLite store: calls, metrics and analyses keyed by call id, content
//! hash and analyzer key; the cache that makes re-runs free; the request log;
//! and the rows that statistics, reports and exports read back.

mod batches;
mod history;
mod schema;
mod utterances;

pub use batches::{BatchId, OpenBatch};
pub use history::History;
pub use utterances::speaker_name;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::analyze::{Analysis, Insight, Provenance};
use crate::config::Config;
use crate::metrics::Metrics;
use crate::model::Call;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {cause}")]
    Open {
        path: String,
        cause: rusqlite::Error,
    },
    #[error(
        "database {path} is locked by another process (is another callscope run using this folder?)"
    )]
    Locked { path: String },
    #[error("no database at {0} (run `callscope analyze` first)")]
    Missing(String),
    #[error("the database was written by a newer callscope (schema version {0})")]
    NewerSchema(i64),
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("corrupt stored record: {0}")]
    Json(#[from] serde_json::Error),
    #[error("corrupt stored record: {0}")]
    Corrupt(String),
    #[error("no completed run in this database: run `callscope analyze` first")]
    NoRun,
    #[error("row reader stopped early")]
    Closed,
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// One run of `analyze` over an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunId(pub i64);

/// What a run was: enough to re-render its report.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub id: RunId,
    pub analyzer: String,
    pub input: String,
    pub config: Config,
}

/// A call version: its id and the hash of its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallKey {
    pub call_id: String,
    pub content_hash: String,
}

impl CallKey {
    pub fn of(call: &Call) -> CallKey {
        Self::with_json(call).0
    }

    /// The key and the call's JSON it was hashed from (stored as is).
    pub fn with_json(call: &Call) -> (CallKey, Vec<u8>) {
        let json = serde_json::to_vec(call).unwrap_or_default();
        let key = CallKey {
            call_id: call.id.clone(),
            content_hash: blake3::hash(&json).to_hex()[..32].to_string(),
        };
        (key, json)
    }
}

/// A stored call as statistics and exports read it: transcripts left out.
#[derive(Debug, Clone)]
pub struct StoredRow {
    pub seq: i64,
    pub call: Call,
    pub metrics: Option<Metrics>,
    pub analysis: Option<Analysis>,
}

/// One LLM request as kept for `inspect`; never contains credentials.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord<'a> {
    pub call_id: &'a str,
    pub analyzer: &'a str,
    pub attempt: u32,
    /// HTTP status, when an answer came back.
    pub http_status: Option<u16>,
    /// Transport or validation error, when there was one.
    pub error: Option<&'a str>,
    pub request: String,
    pub response: Option<&'a str>,
    pub latency_ms: Option<u64>,
}

/// Rows streamed from a reader thread; see [`Store::rows`].
pub struct RowIter {
    rx: std::sync::mpsc::Receiver<Result<StoredRow>>,
}

impl Iterator for RowIter {
    type Item = Result<StoredRow>;

    fn next(&mut self) -> Option<Self::Item> {
        self.rx.recv().ok()
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens or creates the database, in WAL mode.
    pub fn open(path: &Path) -> Result<Store> {
        let open_err = |source: rusqlite::Error| {
            let path = path.display().to_string();
            match source.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    StoreError::Locked { path }
                }
                _ => StoreError::Open {
                    path,
                    cause: source,
                },
            }
        };
        let conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        schema::migrate(&conn).map_err(|e| match e {
            StoreError::Sql(source) => open_err(source),
            other => other,
        })?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Opens a database that must already exist.
    pub fn open_existing(path: &Path) -> Result<Store> {
        if !path.is_file() {
            return Err(StoreError::Missing(path.display().to_string()));
        }
        Store::open(path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts a transaction: many small writes, one fsync at `commit`.
    pub fn begin(&self) -> Result<()> {
        Ok(self.conn.execute_batch("BEGIN IMMEDIATE")?)
    }

    pub fn commit(&self) -> Result<()> {
        Ok(self.conn.execute_batch("COMMIT")?)
    }

    pub fn begin_run(&self, analyzer: &str, input: &str, config: &Config) -> Result<RunId> {
        self.conn.execute(
            "INSERT INTO runs (started_at, analyzer, input, config_json) VALUES (?1, ?2, ?3, ?4)",
            params![now(), analyzer, input, serde_json::to_string(config)?],
        )?;
        Ok(RunId(self.conn.last_insert_rowid()))
    }

    pub fn finish_run(&self, run: RunId, stats: &impl Serialize) -> Result<()> {
        self.conn.execute(
            "UPDATE runs SET stats_json = ?1 WHERE id = ?2",
            params![serde_json::to_string(stats)?, run.0],
        )?;
        Ok(())
    }

    /// The most recent completed run (one that recorded its figures), for
    /// `report` and `inspect`.
    pub fn latest_run(&self) -> Result<RunInfo> {
        let row = self
            .conn
            .query_row(
                "SELECT id, analyzer, input, config_json FROM runs
                 WHERE stats_json IS NOT NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?;
        let (id, analyzer, input, config) = row.ok_or(StoreError::NoRun)?;
        Ok(RunInfo {
            id: RunId(id),
            analyzer,
            input,
            config: serde_json::from_str(&config)?,
        })
    }

    /// True when this call version already has a successful analysis.
    pub fn is_cached(&self, key: &CallKey, analyzer: &str) -> Result<bool> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT ok FROM analyses WHERE call_id = ?1 AND content_hash = ?2 AND analyzer = ?3",
        )?;
        let ok: Option<bool> = stmt
            .query_row(params![key.call_id, key.content_hash, analyzer], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(ok == Some(true))
    }

    /// Records that `run` covers this call version, storing the version
    /// unless it is already there. `json` is the call's JSON (`CallKey::with_json`).
    pub fn record_call(
        &self,
        run: RunId,
        seq: i64,
        key: &CallKey,
        call: &Call,
        json: &[u8],
    ) -> Result<()> {
        let mut known = self
            .conn
            .prepare_cached("SELECT 1 FROM calls WHERE call_id = ?1 AND content_hash = ?2")?;
        if !known.exists(params![key.call_id, key.content_hash])? {
            let mut put = self.conn.prepare_cached(
                "INSERT INTO calls (call_id, content_hash, call_lz4, summary_json)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            put.execute(params![
                key.call_id,
                key.content_hash,
                lz4_flex::compress_prepend_size(json),
                serde_json::to_string(&without_transcripts(call))?
            ])?;
        }
        let mut link = self.conn.prepare_cached(
            "INSERT OR REPLACE INTO run_calls (run_id, seq, call_id, content_hash)
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        link.execute(params![run.0, seq, key.call_id, key.content_hash])?;
        Ok(())
    }

    /// Stores an analysis as it arrives; a later success replaces a failure.
    pub fn record_analysis(
        &self,
        key: &CallKey,
        metrics: &Metrics,
        analysis: &Analysis,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT OR REPLACE INTO analyses
             (call_id, content_hash, analyzer, ok, metrics_json, insight_json, provenance_json, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let insight = analysis
            .insight
            .as_ref()
            .map(serde_json::to_string)
            .transpose()?;
        stmt.execute(params![
            key.call_id,
            key.content_hash,
            analysis.provenance.analyzer,
            analysis.insight.is_some(),
            serde_json::to_string(metrics)?,
            insight,
            serde_json::to_string(&analysis.provenance)?,
            now()
        ])?;
        Ok(())
    }

    pub fn record_warning(
        &self,
        run: RunId,
        file: &str,
        row: Option<u64>,
        column: Option<&str>,
        message: &str,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO warnings (run_id, file, row, col, message) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        stmt.execute(params![run.0, file, row.map(|r| r as i64), column, message])?;
        Ok(())
    }

    pub fn log_request(&self, rec: &RequestRecord<'_>) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO request_log
             (call_id, analyzer, attempt, http_status, error, request, response, latency_ms, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        stmt.execute(params![
            rec.call_id,
            rec.analyzer,
            rec.attempt,
            rec.http_status,
            rec.error,
            rec.request,
            rec.response,
            rec.latency_ms.map(|ms| ms as i64),
            now()
        ])?;
        Ok(())
    }

    /// Streams the rows of a run in input order, with their analysis by
    /// `analyzer` (absent when the call was not analysed). `Detail::Summary`
    /// leaves transcripts out.
    pub fn for_each_row(
        &self,
        run: RunId,
        analyzer: &str,
        detail: Detail,
        mut f: impl FnMut(StoredRow) -> Result<()>,
    ) -> Result<()> {
        let call_column = match detail {
            Detail::Summary => "NULL",
            Detail::Full => "c.call_lz4",
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT rc.seq, c.summary_json, a.metrics_json, a.insight_json, a.provenance_json, {call_column}
             FROM run_calls rc
             JOIN calls c ON c.call_id = rc.call_id AND c.content_hash = rc.content_hash
             LEFT JOIN analyses a ON a.call_id = rc.call_id
                  AND a.content_hash = rc.content_hash AND a.analyzer = ?2
             WHERE rc.run_id = ?1 ORDER BY rc.seq"
        ))?;
        let mut rows = stmt.query(params![run.0, analyzer])?;
        while let Some(r) = rows.next()? {
            let call: Call = match r.get::<_, Option<Vec<u8>>>(5)? {
                Some(packed) => unpack(&packed)?,
                None => serde_json::from_str(&r.get::<_, String>(1)?)?,
            };
            let metrics = parse_opt::<Metrics>(r.get(2)?)?;
            let insight = parse_opt::<Insight>(r.get(3)?)?;
            let provenance = parse_opt::<Provenance>(r.get(4)?)?;
            f(StoredRow {
                seq: r.get(0)?,
                call,
                metrics,
                analysis: provenance.map(|provenance| Analysis {
                    insight,
                    provenance,
                }),
            })?;
        }
        Ok(())
    }

    /// The most common failure reasons of a run's calls by `analyzer`, with
    /// how many calls each ended, most common first (at most `top`).
    pub fn failure_reasons(
        &self,
        run: RunId,
        analyzer: &str,
        top: usize,
    ) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare(
            "SELECT COALESCE(json_extract(a.provenance_json, '$.error'), 'no reason recorded') AS reason,
                    COUNT(*) AS n
             FROM run_calls rc
             JOIN analyses a ON a.call_id = rc.call_id
                  AND a.content_hash = rc.content_hash AND a.analyzer = ?2
             WHERE rc.run_id = ?1 AND a.ok = 0
             GROUP BY reason ORDER BY n DESC, reason LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![run.0, analyzer, top as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The rows of a run as an iterator, read on a thread of its own with its
    /// own connection, so consumers can stream them with bounded memory.
    pub fn rows(&self, run: RunId, analyzer: &str) -> RowIter {
        let (tx, rx) = std::sync::mpsc::sync_channel(256);
        let (path, analyzer) = (self.path.clone(), analyzer.to_string());
        std::thread::spawn(move || {
            let read = Store::open_existing(&path).and_then(|store| {
                store.for_each_row(run, &analyzer, Detail::Summary, |row| {
                    tx.send(Ok(row)).map_err(|_| StoreError::Closed)
                })
            });
            if let Err(e) = read {
                let _ = tx.send(Err(e));
            }
        });
        RowIter { rx }
    }

    /// Everything stored about one call id (newest version first), for `inspect`.
    pub fn call_versions(&self, call_id: &str) -> Result<Vec<(CallKey, Call)>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.content_hash, c.call_lz4 FROM calls c
             LEFT JOIN run_calls rc ON rc.call_id = c.call_id AND rc.content_hash = c.content_hash
             WHERE c.call_id = ?1 GROUP BY c.content_hash ORDER BY MAX(rc.run_id) DESC",
        )?;
        let rows = stmt.query_map(params![call_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (hash, packed) = row?;
            out.push((
                CallKey {
                    call_id: call_id.to_string(),
                    content_hash: hash,
                },
                unpack(&packed)?,
            ));
        }
        Ok(out)
    }

    /// All analyses of one call version, newest first.
    pub fn analyses_of(&self, key: &CallKey) -> Result<Vec<(Metrics, Analysis)>> {
        let mut stmt = self.conn.prepare(
            "SELECT metrics_json, insight_json, provenance_json FROM analyses
             WHERE call_id = ?1 AND content_hash = ?2 ORDER BY created_at DESC",
        )?;
        let mut rows = stmt.query(params![key.call_id, key.content_hash])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let metrics = serde_json::from_str(&r.get::<_, String>(0)?)?;
            let insight = parse_opt::<Insight>(r.get(1)?)?;
            let provenance = serde_json::from_str(&r.get::<_, String>(2)?)?;
            out.push((
                metrics,
                Analysis {
                    insight,
                    provenance,
                },
            ));
        }
        Ok(out)
    }

    /// The request log of one call, oldest first.
    pub fn requests_of(&self, call_id: &str) -> Result<Vec<serde_json::Value>> {
        let mut stmt = self.conn.prepare(
            "SELECT analyzer, attempt, http_status, error, request, response, latency_ms, created_at
             FROM request_log WHERE call_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![call_id], |r| {
            Ok(serde_json::json!({
                "analyzer": r.get::<_, String>(0)?,
                "attempt": r.get::<_, i64>(1)?,
                "http_status": r.get::<_, Option<i64>>(2)?,
                "error": r.get::<_, Option<String>>(3)?,
                "request": serde_json::from_str::<serde_json::Value>(&r.get::<_, String>(4)?)
                    .unwrap_or(serde_json::Value::Null),
                "response": r.get::<_, Option<String>>(5)?,
                "latency_ms": r.get::<_, Option<i64>>(6)?,
                "at": r.get::<_, String>(7)?,
            }))
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// A report narrative written before for the same figures.
    pub fn narrative(&self, key: &str) -> Result<Option<Vec<String>>> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT paragraphs FROM narratives WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()?;
        parse_opt(json)
    }

    pub fn record_narrative(&self, key: &str, paragraphs: &[String]) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO narratives (key, paragraphs) VALUES (?1, ?2)",
            params![key, serde_json::to_string(paragraphs)?],
        )?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// How much of each call `for_each_row` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Without transcripts: what statistics need.
    Summary,
    /// The whole call, transcripts included: what exports need.
    Full,
}

fn unpack(packed: &[u8]) -> Result<Call> {
    let json = lz4_flex::decompress_size_prepended(packed)
        .map_err(|e| StoreError::Corrupt(format!("compressed call: {e}")))?;
    Ok(serde_json::from_slice(&json)?)
}

fn parse_opt<T: serde::de::DeserializeOwned>(json: Option<String>) -> Result<Option<T>> {
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

fn without_transcripts(call: &Call) -> Call {
    let mut c = call.clone();
    for leg in &mut c.legs {
        leg.transcript = Default::default();
    }
    c
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

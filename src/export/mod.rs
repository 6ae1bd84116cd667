//! Per-call exports written from the store, streaming: `insights.jsonl` (one
//! object per call; with transcripts it reads back as input, since its top
//! level is the call schema), `insights.csv` (wide, one column per scalar
//! field, for BI tools and ML), `calls.parquet` (the CSV's columns, typed)
//! and the per-sentence detections `utterances.csv` and `utterances.parquet`
//! (the same columns, typed).

pub mod atomic;
mod columns;
mod csv_cell;
mod parquet;
mod scorecard;
pub mod utterances;

use std::collections::BTreeSet;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use crate::analyze::Analysis;
use crate::metrics::Metrics;
use crate::model::Call;
use crate::store::{Detail, RunId, Store, StoredRow};

use atomic::AtomicFile;
pub use csv_cell::neutralise_formula;
use parquet::ParquetTable;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Csv { path: String, source: csv::Error },
    #[error("cannot write {path}: {source}")]
    Parquet {
        path: String,
        source: ::parquet::errors::ParquetError,
    },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// One line of `insights.jsonl`: the call's own fields at the top level.
#[derive(Serialize)]
struct JsonlLine<'a> {
    #[serde(flatten)]
    call: &'a Call,
    metrics: &'a Option<Metrics>,
    analysis: &'a Option<Analysis>,
}

/// Whether `insights.jsonl` carries each call's transcript (so it reads
/// back as input) or leaves it out (bounded: the transcripts are in the
/// database, and every sentence is in `utterances.csv` / `.parquet`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transcripts {
    Included,
    Omitted,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Io {
        path: path.display().to_string(),
        source,
    }
}

pub fn write_jsonl(
    store: &Store,
    run: RunId,
    analyzer: &str,
    path: &Path,
    transcripts: Transcripts,
) -> Result<(), ExportError> {
    let mut file = AtomicFile::create(path).map_err(io_err(path))?;
    let mut out = BufWriter::new(file.file());
    let mut failure = None;
    let detail = match transcripts {
        Transcripts::Included => Detail::Full,
        Transcripts::Omitted => Detail::Summary,
    };
    store.for_each_row(run, analyzer, detail, |row| {
        let line = JsonlLine {
            call: &row.call,
            metrics: &row.metrics,
            analysis: &row.analysis,
        };
        let written = serde_json::to_writer(&mut out, &line)
            .map_err(std::io::Error::from)
            .and_then(|_| out.write_all(b"\n"));
        if let Err(e) = written {
            failure.get_or_insert(e);
        }
        Ok(())
    })?;
    if let Some(e) = failure {
        return Err(io_err(path)(e));
    }
    out.flush().map_err(io_err(path))?;
    drop(out);
    file.commit().map_err(io_err(path))
}

pub fn write_csv(
    store: &Store,
    run: RunId,
    analyzer: &str,
    path: &Path,
) -> Result<(), ExportError> {
    let attributes = attribute_keys(store, run, analyzer)?;
    csv_export(path, columns::header(&attributes), |write| {
        store.for_each_row(run, analyzer, Detail::Summary, |row: StoredRow| {
            write(columns::record(&row, &attributes));
            Ok(())
        })?;
        Ok(())
    })
}

/// A CSV export written whole or not at all (see `atomic`): the header,
/// then every record `fill` hands to `write`; the first record that cannot
/// be written fails the file.
fn csv_export(
    path: &Path,
    header: Vec<String>,
    fill: impl FnOnce(&mut dyn FnMut(Vec<String>)) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let mut file = AtomicFile::create(path).map_err(io_err(path))?;
    let mut out = csv::Writer::from_writer(BufWriter::new(file.file()));
    let csv_err = |source| ExportError::Csv {
        path: path.display().to_string(),
        source,
    };
    out.write_record(&header).map_err(csv_err)?;
    let mut failure = None;
    fill(&mut |record| {
        if failure.is_none()
            && let Err(e) = out.write_record(&record)
        {
            failure = Some(e);
        }
    })?;
    if let Some(e) = failure {
        return Err(csv_err(e));
    }
    out.flush().map_err(io_err(path))?;
    drop(out);
    file.commit().map_err(io_err(path))
}

/// `calls.parquet`: the wide CSV's columns, typed, nulls for unknown.
pub fn write_calls_parquet(
    store: &Store,
    run: RunId,
    analyzer: &str,
    path: &Path,
) -> Result<(), ExportError> {
    let attributes = attribute_keys(store, run, analyzer)?;
    let pq_err = |source| ExportError::Parquet {
        path: path.display().to_string(),
        source,
    };
    let mut table = ParquetTable::create(path, &columns::schema(&attributes)).map_err(pq_err)?;
    let mut failure = None;
    store.for_each_row(run, analyzer, Detail::Summary, |row| {
        if failure.is_none()
            && let Err(e) = table.push(columns::cells(&row, &attributes))
        {
            failure = Some(e);
        }
        Ok(())
    })?;
    match failure {
        Some(e) => Err(pq_err(e)),
        None => table.finish().map_err(pq_err),
    }
}

/// `scorecard.csv`: one row per agent and month (see `scorecard`); agents
/// need `min_calls` calls of known outcome to count as best converters.
pub fn write_scorecard(
    store: &Store,
    run: RunId,
    analyzer: &str,
    path: &Path,
    min_calls: u64,
) -> Result<(), ExportError> {
    let mut card = scorecard::Scorecard::default();
    store.for_each_row(run, analyzer, Detail::Summary, |row| {
        card.add(&row.call, row.metrics.as_ref(), row.analysis.as_ref());
        Ok(())
    })?;
    let (header, rows) = card.records(min_calls);
    csv_export(path, header, |write| {
        for row in rows {
            write(row.iter().map(|c| neutralise_formula(c)).collect());
        }
        Ok(())
    })
}

/// Every pass-through attribute name in the run, sorted: one column each.
fn attribute_keys(store: &Store, run: RunId, analyzer: &str) -> Result<Vec<String>, ExportError> {
    let mut keys = BTreeSet::new();
    store.for_each_row(run, analyzer, Detail::Summary, |row| {
        keys.extend(row.call.attributes.into_keys());
        Ok(())
    })?;
    Ok(keys.into_iter().collect())
}

//! Per-call exports written from the store: `insights.jsonl` (one object per
//! call; it reads back as input, since its top level is the call schema) and
//! `insights.csv` (wide, one column per scalar field, for BI tools and ML).

pub mod atomic;
mod columns;
mod csv_cell;

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

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Csv { path: String, source: csv::Error },
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

/// Writes `insights.jsonl` and `insights.csv` for `run` into `dir`.
pub fn write_all(store: &Store, run: RunId, analyzer: &str, dir: &Path) -> Result<(), ExportError> {
    write_jsonl(store, run, analyzer, &dir.join("insights.jsonl"))?;
    write_csv(store, run, analyzer, &dir.join("insights.csv"))
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
) -> Result<(), ExportError> {
    let mut file = AtomicFile::create(path).map_err(io_err(path))?;
    let mut out = BufWriter::new(file.file());
    let mut failure = None;
    store.for_each_row(run, analyzer, Detail::Full, |row| {
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
    let mut file = AtomicFile::create(path).map_err(io_err(path))?;
    let mut out = csv::Writer::from_writer(BufWriter::new(file.file()));
    let csv_err = |source| ExportError::Csv {
        path: path.display().to_string(),
        source,
    };
    out.write_record(columns::header(&attributes))
        .map_err(csv_err)?;
    let mut failure = None;
    store.for_each_row(run, analyzer, Detail::Summary, |row: StoredRow| {
        if let Err(e) = out.write_record(columns::record(&row, &attributes)) {
            failure.get_or_insert(e);
        }
        Ok(())
    })?;
    if let Some(e) = failure {
        return Err(csv_err(e));
    }
    out.flush().map_err(io_err(path))?;
    drop(out);
    file.commit().map_err(io_err(path))
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

//! Writes a run's outputs from the store: `report.md`, `report.html`,
//! `insights.jsonl` and `insights.csv`. Used after `analyze` and by `report`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::export;
use crate::report::{self, ReportContext};
use crate::stats::{self, CallRow};
use crate::store::{RunInfo, Store};

/// The files written, for the summary printed to the user.
pub struct Written {
    pub files: Vec<PathBuf>,
}

pub fn write_outputs(store: &Store, run: &RunInfo, dir: &Path) -> Result<Written> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    export::write_all(store, run.id, &run.analyzer, dir)?;
    let summary = summarize(store, run)?;
    let ctx = ReportContext {
        title: "Call performance report".to_string(),
        generated_at: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
        input_name: run.input.clone(),
        analyzer: run.analyzer.clone(),
    };
    let md = dir.join("report.md");
    let html = dir.join("report.html");
    write(&md, &report::render_markdown(&summary, &ctx))?;
    write(&html, &report::render_html(&summary, &ctx))?;
    Ok(Written {
        files: vec![
            md,
            html,
            dir.join("insights.jsonl"),
            dir.join("insights.csv"),
        ],
    })
}

fn summarize(store: &Store, run: &RunInfo) -> Result<stats::Summary> {
    let mut failure = None;
    let rows = store
        .rows(run.id, &run.analyzer)
        .map_while(|row| match row {
            Ok(row) => Some(row),
            Err(e) => {
                failure = Some(e);
                None
            }
        })
        .map(|row| CallRow {
            call: row.call,
            metrics: row.metrics.unwrap_or_default(),
            analysis: row.analysis,
        });
    let summary = stats::summarize(rows, &run.config);
    match failure {
        Some(e) => Err(e.into()),
        None => Ok(summary),
    }
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

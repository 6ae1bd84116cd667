//! Writes a run's outputs from the store, as many as `--formats` asks for:
//! `report.md`, `report.html`, `report.docx`, `insights.csv`,
//! `insights.jsonl`, `calls.parquet` + `utterances.parquet` and
//! `scorecard.csv`. Used after `analyze` and by `report`.
//! With an LLM, each section may gain a narrative written by it from the
//! section's own figures, placed before the computed text, which always
//! stays; a narrative not supported by those figures is dropped.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::analyze::llm::LlmAnalyzer;
use crate::engine::Scheduler;
use crate::export;
use crate::report::{self, Block, Document, Evidence, ReportContext, Section};
use crate::stats::{self, CallRow};
use crate::store::{Detail, RunInfo, Store};

/// The files written, for the summary printed to the user.
pub struct Written {
    pub files: Vec<PathBuf>,
}

/// One kind of output file (the database and `run.json` are always written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Format {
    /// report.md
    Md,
    /// report.html
    Html,
    /// report.docx
    Docx,
    /// insights.csv
    Csv,
    /// insights.jsonl
    Jsonl,
    /// calls.parquet and utterances.parquet
    Parquet,
    /// scorecard.csv
    Scorecard,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Md,
        Format::Html,
        Format::Docx,
        Format::Csv,
        Format::Jsonl,
        Format::Parquet,
        Format::Scorecard,
    ];
}

/// Which outputs to write and whether the JSONL carries transcripts.
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    pub formats: Vec<Format>,
    pub transcripts: export::Transcripts,
}

pub fn write_outputs(
    store: &Store,
    run: &RunInfo,
    dir: &Path,
    narrator: Option<&Scheduler>,
    outputs: &Outputs,
) -> Result<Written> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut files = write_exports(store, run, dir, outputs)?;
    let wants = |f: Format| outputs.formats.contains(&f);
    if !(wants(Format::Md) || wants(Format::Html) || wants(Format::Docx)) {
        return Ok(Written { files });
    }
    let summary = summarize(store, run)?;
    let ctx = ReportContext {
        title: "Call performance report".to_string(),
        generated_at: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
        input_name: run.input.clone(),
        analyzer: run.analyzer.clone(),
    };
    let mut doc = report::build_document(&summary, &ctx);
    if let Some(llm) = narrator {
        narrate(&mut doc, llm, store)?;
    }
    if wants(Format::Md) {
        let md = dir.join("report.md");
        write(&md, report::render_document_markdown(&doc, &ctx).as_bytes())?;
        files.push(md);
    }
    if wants(Format::Html) {
        let html = dir.join("report.html");
        let evidence = evidence(store, run, &doc)?;
        let page = report::render_document_html_with(&doc, &ctx, &evidence);
        write(&html, page.as_bytes())?;
        files.push(html);
    }
    if wants(Format::Docx) {
        let docx = dir.join("report.docx");
        write(&docx, &report::render_document_docx(&doc, &ctx)?)?;
        files.push(docx);
    }
    Ok(Written { files })
}

/// The per-call exports asked for, streamed from the store.
fn write_exports(
    store: &Store,
    run: &RunInfo,
    dir: &Path,
    outputs: &Outputs,
) -> Result<Vec<PathBuf>> {
    let (id, analyzer) = (run.id, run.analyzer.as_str());
    let mut files = Vec::new();
    for format in &outputs.formats {
        match format {
            Format::Csv => {
                let path = dir.join("insights.csv");
                export::write_csv(store, id, analyzer, &path)?;
                let sentences = dir.join("utterances.csv");
                export::utterances::write(store, id, &sentences)?;
                files.extend([path, sentences]);
            }
            Format::Jsonl => {
                let path = dir.join("insights.jsonl");
                export::write_jsonl(store, id, analyzer, &path, outputs.transcripts)?;
                files.push(path);
            }
            Format::Parquet => {
                let calls = dir.join("calls.parquet");
                export::write_calls_parquet(store, id, analyzer, &calls)?;
                let utterances = dir.join("utterances.parquet");
                export::utterances::write_parquet(store, id, &utterances)?;
                files.extend([calls, utterances]);
            }
            Format::Scorecard => {
                let path = dir.join("scorecard.csv");
                let min = u64::from(run.config.analysis.min_group_size);
                export::write_scorecard(store, id, analyzer, &path, min)?;
                files.push(path);
            }
            Format::Md | Format::Html | Format::Docx => {}
        }
    }
    Ok(files)
}

/// Asks the LLM for every section's narrative, concurrently through the
/// run's scheduler, unless the store has one for the same figures; keeps the rules' text wherever the
/// answer fails or cites a number not in the figures.
fn narrate(doc: &mut Document, llm: &Scheduler, store: &Store) -> Result<()> {
    let mut wanted = Vec::new();
    for (i, section) in doc.sections.iter_mut().enumerate() {
        if !section
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Paragraph(_)))
        {
            continue;
        }
        let figures = figures_of(section);
        let key = narrative_key(llm.analyzer(), &figures);
        match store.narrative(&key)? {
            Some(paragraphs) => section.add_narrative(paragraphs),
            None => wanted.push((i, key, figures)),
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("no async runtime for the report narrative")?;
    let requests = wanted.iter().map(|(i, _, figures)| {
        let title = &doc.sections[*i].title;
        async move {
            llm.narrative(title, figures)
                .await
                .inspect_err(|e| {
                    tracing::info!("section {title:?} keeps its rule-based narrative: {e}")
                })
                .ok()
        }
    });
    let answers = runtime.block_on(futures::future::join_all(requests));
    for ((i, key, _), answer) in wanted.into_iter().zip(answers) {
        if let Some(paragraphs) = answer {
            store.record_narrative(&key, &paragraphs)?;
            doc.sections[i].add_narrative(paragraphs);
        }
    }
    Ok(())
}

fn narrative_key(llm: &LlmAnalyzer, figures: &serde_json::Value) -> String {
    let material = format!("{}\n{figures}", llm.analyzer_key());
    blake3::hash(material.as_bytes()).to_hex().to_string()
}

/// A section's figures: everything the rules computed for it (tables, lists,
/// chart data and the rule-based sentences with their numbers), as JSON.
fn figures_of(section: &Section) -> serde_json::Value {
    serde_json::json!({ "section": section.title, "content": section.blocks })
}

/// The transcripts of the calls the document cites, up to the configured
/// limit, in input order, with the learned detectors' sentence labels.
fn evidence(store: &Store, run: &RunInfo, doc: &Document) -> Result<Evidence> {
    let cited = report::cited_tokens(doc);
    let limit = run.config.analysis.max_report_transcripts;
    let mut evidence = Evidence::default();
    store.for_each_row(run.id, &run.analyzer, Detail::Full, |row| {
        if cited.contains(&row.call.id) {
            evidence.add(
                &CallRow {
                    call: row.call,
                    metrics: row.metrics.unwrap_or_default(),
                    analysis: row.analysis,
                },
                limit,
            );
        }
        Ok(())
    })?;
    if let Some(detector) = store.run_detector(run.id)? {
        store.for_each_tagged_call(run.id, &detector, |id, tags| {
            evidence.add_detections(id, &tags);
            Ok(())
        })?;
    }
    Ok(evidence)
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

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::export::atomic::write(path, bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

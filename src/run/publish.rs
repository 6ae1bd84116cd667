//! Writes a run's outputs from the store: `report.md`, `report.html`,
//! `insights.jsonl` and `insights.csv`. Used after `analyze` and by `report`.
//! With an LLM, each section's narrative may be written by it from the
//! section's own figures; a section whose text is not supported by those
//! figures keeps the rule-based narrative.

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

pub fn write_outputs(
    store: &Store,
    run: &RunInfo,
    dir: &Path,
    narrator: Option<&Scheduler>,
) -> Result<Written> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    export::write_all(store, run.id, &run.analyzer, dir)?;
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
    let md = dir.join("report.md");
    let html = dir.join("report.html");
    write(&md, &report::render_document_markdown(&doc, &ctx))?;
    let evidence = evidence(store, run, &doc)?;
    write(
        &html,
        &report::render_document_html_with(&doc, &ctx, &evidence),
    )?;
    Ok(Written {
        files: vec![
            md,
            html,
            dir.join("insights.jsonl"),
            dir.join("insights.csv"),
        ],
    })
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
            Some(paragraphs) => section.replace_narrative(paragraphs),
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
            doc.sections[i].replace_narrative(paragraphs);
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
/// limit, in input order.
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

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

//! Drives one `analyze` run: input rows stream through metrics and an
//! analyzer (the heuristic on a thread pool, or an LLM through the engine)
//! into the store, every result written as it completes; cached calls are
//! skipped. Memory stays bounded by the calls in flight.

use std::sync::Arc;
use std::sync::mpsc;
use std::thread;

use anyhow::Context;

use crate::analyze::llm::LlmAnalyzer;
use crate::config::Config;
use crate::engine::{self, Job, Pace};
use crate::input::{self, CallStream, InputSpec, RowResult, RowWarning};
use crate::model::Call;
use crate::store::{CallKey, RunId, Store};

use super::context::AnalysisContext;
use super::executor::{Executor, QUEUE};
use super::progress::Progress;
use super::writer::{RunCounts, Writer};

/// A run's input (already opened, so a run is only recorded for an input
/// that can be read), context and destination.
pub struct RunPlan<'a> {
    pub rows: CallStream,
    pub ctx: Arc<AnalysisContext>,
    pub store: &'a Store,
    pub run: RunId,
    pub analyzer_key: String,
    pub limit: Option<u64>,
    /// Shown as calls are stored.
    pub progress: Progress,
}

/// Streams the plan's input through `executor` into the store.
pub fn run(
    plan: RunPlan<'_>,
    executor: Executor,
    on_warning: &mut dyn FnMut(&RowWarning),
) -> anyhow::Result<RunCounts> {
    let rows = plan.rows;
    let (row_tx, row_rx) = mpsc::sync_channel::<RowResult>(QUEUE);
    let reader = thread::spawn(move || {
        for row in rows {
            if row_tx.send(row).is_err() {
                break;
            }
        }
    });
    let paid = executor.is_paid();
    let (dispatch, done_rx, workers) = executor.start(Arc::clone(&plan.ctx));
    let detectors = Arc::clone(&plan.ctx.detectors);
    let mut writer = Writer::new(
        plan.store,
        plan.run,
        plan.analyzer_key,
        paid,
        detectors,
        plan.progress,
    );
    let result = writer.drive(row_rx, dispatch, &done_rx, plan.limit, on_warning);
    drop(done_rx);
    joined(reader, "input reader")?;
    for worker in workers {
        joined(worker, "analyzer")?;
    }
    result.with_context(|| format!("cannot store results in {}", plan.store.path().display()))?;
    Ok(writer.counts)
}

/// Waits for a thread; a panic in it becomes an error with its message, so
/// the run never ends as if it had succeeded.
fn joined(thread: thread::JoinHandle<()>, what: &str) -> anyhow::Result<()> {
    thread.join().map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        anyhow::anyhow!("internal error: the {what} thread panicked: {message}")
    })
}

/// `--dry-run`: what an LLM run would send, without sending or storing
/// anything. Calls already analysed by this analyzer are left out (a call
/// whose cache lookup fails is counted, so the estimate errs high). Token
/// estimates are corrected by the usage earlier runs stored; the time
/// assumes `--rpm`, else the pace of the latest earlier run.
pub fn dry_run(
    spec: &InputSpec,
    config: &Config,
    ctx: &AnalysisContext,
    store: Option<&Store>,
    analyzer: &LlmAnalyzer,
    limit: Option<u64>,
    rpm: Option<u32>,
) -> anyhow::Result<engine::Estimate> {
    let history = store
        .map(|s| s.history(analyzer.analyzer_key()))
        .transpose()?
        .unwrap_or_default();
    let cached_calls = std::cell::Cell::new(0u64);
    let cached = |call: &Call| {
        let hit = store.is_some_and(|s| {
            s.is_cached(&CallKey::of(call), analyzer.analyzer_key())
                .unwrap_or(false)
        });
        cached_calls.set(cached_calls.get() + u64::from(hit));
        hit
    };
    let jobs = input::open(spec, config)?
        .filter_map(|row| match row {
            RowResult::Call(call, _) => Some(call),
            RowResult::Skipped(_) => None,
        })
        .take(limit.map_or(usize::MAX, |l| l as usize))
        .filter(|call| !cached(call))
        .map(|call| Job {
            metrics: ctx.metrics(&call),
            call: *call,
        });
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    let jobs = futures::stream::iter(jobs);
    let mut estimate = runtime.block_on(engine::estimate(jobs, analyzer, &history.calibration));
    estimate.cached = cached_calls.get();
    estimate.pace = rpm
        .map(Pace::Rpm)
        .or(history.requests_per_minute.map(Pace::LastRun));
    Ok(estimate)
}

//! One `analyze` run from resolved settings to written outputs: open the
//! store, stream every call through the analyzer, record what the run did
//! (`run.json` and the database), then publish the report and exports. A
//! dry run only estimates.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::analyze::grounding;
use crate::analyze::llm::LlmAnalyzer;
use crate::engine::batch::BatchStats;
use crate::engine::{EngineOptions, Estimate, FolderBudget, RunStats, Scheduler, StopReason};
use crate::input::RowWarning;
use crate::store::Store;

use super::batch;
use super::context::AnalysisContext;
use super::executor::Executor;
use super::interrupt::Interrupt;
use super::pipeline::{self, RunPlan};
use super::progress::{Billing, Progress, ProgressMode};
use super::publish::{self, Written};
use super::settings::{LlmSettings, Settings};
use super::writer::RunCounts;

/// `run.json`: what the run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunRecord {
    #[serde(flatten)]
    pub counts: RunCounts,
    pub wall_s: f64,
    pub analyzer: String,
    pub input: String,
    /// Every LLM request of the run, the narrative's included (and the
    /// batch API's, with `--batch`).
    #[serde(flatten)]
    pub engine: RunStats,
    /// `--batch`: what went through the provider's batch API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<BatchStats>,
}

/// What `analyze` did.
pub enum Analyzed {
    /// `--dry-run`: what would be sent; nothing was.
    Estimated {
        estimate: Estimate,
        analyzer_key: String,
    },
    /// The run finished (or stopped early: `record.stopped`). `failures`:
    /// when calls failed, the most common reasons with their counts.
    Ran {
        record: Box<RunRecord>,
        written: Written,
        failures: Vec<(String, u64)>,
    },
}

/// Failure reasons listed when calls failed.
const FAILURE_REASONS: usize = 5;

/// The database inside an output folder.
pub fn db_path(out: &Path) -> PathBuf {
    out.join("callscope.db")
}

/// Runs `analyze` with resolved settings; row warnings go to `on_warning`
/// as they are found.
pub fn analyze(settings: Settings, on_warning: &mut dyn FnMut(&RowWarning)) -> Result<Analyzed> {
    let started = Instant::now();
    let ctx = Arc::new(AnalysisContext::new(&settings.config)?);
    let llm = settings
        .llm
        .as_ref()
        .map(|llm| llm_analyzer(llm, &settings, &ctx))
        .transpose()?;
    if let (Some(analyzer), Some(LlmSettings { dry_run: true, .. })) = (&llm, &settings.llm) {
        let db = db_path(&settings.out);
        let store = db.is_file().then(|| Store::open(&db)).transpose()?;
        let estimate = pipeline::dry_run(
            &settings.input,
            &settings.config,
            &ctx,
            store.as_ref(),
            analyzer,
            settings.limit,
            settings.llm.as_ref().and_then(|l| l.engine.rpm),
        )?;
        return Ok(Analyzed::Estimated {
            estimate,
            analyzer_key: analyzer.analyzer_key().to_string(),
        });
    }
    // Open the input before anything is created or recorded: a typo in its
    // name must leave no database and no run behind.
    let rows = crate::input::open(&settings.input, &settings.config)?;
    let out = &settings.out;
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create output folder {}", out.display()))?;
    check_writable(out)?;
    let _lock = super::output_lock::lock(out)?;
    let store = Store::open(&db_path(out))?;
    let batch_mode = settings.llm.as_ref().and_then(|l| l.batch);
    let scheduler = match llm.zip(settings.llm) {
        Some((analyzer, llm)) => {
            let engine = with_history(llm.engine, &store, &analyzer, &settings.config)?;
            Some(Arc::new(Scheduler::new(analyzer, engine)))
        }
        None => None,
    };
    let analyzer_key = match &scheduler {
        Some(s) => s.analyzer().analyzer_key().to_string(),
        None => ctx.heuristic_key.clone(),
    };
    let input_name = settings.input.path.display().to_string();
    let run = store.begin_run(&analyzer_key, &input_name, &settings.config)?;
    let shutdown = scheduler.as_ref().map(|s| s.shutdown().clone());
    let interrupt = Interrupt::listen(move || {
        if let Some(shutdown) = &shutdown {
            shutdown.escalate();
        }
    });
    let queue = batch::Queue::default();
    let executor = match (&scheduler, batch_mode) {
        (Some(_), Some(_)) => Executor::Batch(Arc::clone(&queue)),
        (Some(s), None) => Executor::Llm(Arc::clone(s)),
        (None, _) => Executor::Heuristic(interrupt.clone()),
    };
    let total = (settings.progress != ProgressMode::Hidden)
        .then(|| crate::input::count_calls(&settings.input, &settings.config, settings.limit))
        .transpose()?
        .flatten();
    let billing = match &scheduler {
        None => Billing::Free,
        Some(s) if s.analyzer().price().is_some() => Billing::Priced,
        Some(_) => Billing::Unpriced,
    };
    let plan = RunPlan {
        rows,
        ctx: Arc::clone(&ctx),
        store: &store,
        run,
        analyzer_key: analyzer_key.clone(),
        limit: settings.limit,
        progress: Progress::new(settings.progress, total, billing),
    };
    let mut counts = pipeline::run(plan, executor, on_warning)?;
    let batched = match (&scheduler, batch_mode) {
        (Some(s), Some(mode)) => {
            let queued =
                std::mem::take(&mut *queue.lock().map_err(|_| {
                    anyhow::anyhow!("internal error: the batch queue was poisoned")
                })?);
            let outcome = batch::run(&store, s.analyzer(), &ctx, mode, queued)?;
            counts.calls_analyzed += outcome.analyzed;
            counts.calls_failed += outcome.failed;
            counts.calls_pending = outcome.pending;
            Some(outcome)
        }
        _ => None,
    };
    let mut record = RunRecord {
        counts,
        wall_s: 0.0,
        analyzer: analyzer_key,
        input: input_name,
        batch: batched.as_ref().map(|b| b.stats.clone()),
        ..RunRecord::default()
    };
    let batch_stopped = batched.and_then(|b| b.stopped);
    record.update(scheduler.as_deref(), started);
    record.mark_stopped(&interrupt, &batch_stopped);
    store.finish_run(run, &record)?;
    let run_info = store.latest_run()?;
    // After an early stop the provider is unusable or unaffordable: the
    // narrative stays rule-based; so it does in a batch run, which sends
    // nothing at streaming prices.
    let narrator = scheduler
        .as_deref()
        .filter(|_| record.engine.stopped.is_none() && record.batch.is_none());
    let mut written = publish::write_outputs(&store, &run_info, out, narrator, &settings.outputs)?;
    // The time covers the whole run, report and exports included.
    record.update(scheduler.as_deref(), started);
    record.mark_stopped(&interrupt, &batch_stopped);
    store.finish_run(run, &record)?;
    write_run_json(out, &record)?;
    written
        .files
        .splice(0..0, [db_path(out), out.join("run.json")]);
    let c = &record.counts;
    let failures = if c.calls_failed > 0 {
        store.failure_reasons(run_info.id, &record.analyzer, FAILURE_REASONS)?
    } else {
        Vec::new()
    };
    Ok(Analyzed::Ran {
        record: Box::new(record),
        written,
        failures,
    })
}

impl RunRecord {
    /// A run stopped by the batch phase or by a signal says so (the
    /// scheduler of a streaming LLM run already does; the offline run has
    /// none).
    fn mark_stopped(&mut self, interrupt: &Interrupt, batch_stopped: &Option<StopReason>) {
        if let Some(stopped) = batch_stopped {
            self.engine.stopped = Some(stopped.clone());
        }
        if interrupt.received() && self.engine.stopped.is_none() {
            self.engine.stopped = Some(StopReason::Interrupted);
        }
    }

    /// Takes the scheduler's account of every request so far (none for
    /// the heuristic analyzer, which costs nothing) and the time elapsed.
    fn update(&mut self, scheduler: Option<&Scheduler>, started: Instant) {
        self.engine = scheduler.map_or_else(
            || RunStats {
                cost_usd: Some(0.0),
                ..RunStats::default()
            },
            Scheduler::finish,
        );
        if let Some(b) = &self.batch {
            let e = &mut self.engine;
            e.requests += b.http_requests;
            e.tokens_in += b.tokens_in;
            e.tokens_out += b.tokens_out;
            e.cost_usd = e.cost_usd.zip(b.cost_usd).map(|(s, b)| s + b);
        }
        self.wall_s = started.elapsed().as_secs_f64();
    }
}

/// What earlier runs into the folder tell this one: what they spent (for
/// `[llm] budget_total_usd`) and their answers' real token usage (which
/// corrects the estimates from the first request on).
fn with_history(
    engine: EngineOptions,
    store: &Store,
    analyzer: &LlmAnalyzer,
    config: &crate::config::Config,
) -> Result<EngineOptions> {
    let folder_budget = config
        .llm
        .budget_total_usd
        .map(|limit_usd| -> Result<FolderBudget> {
            Ok(FolderBudget {
                limit_usd,
                spent_before_usd: store.spent_usd()?,
            })
        })
        .transpose()?;
    Ok(EngineOptions {
        folder_budget,
        prior: store.history(analyzer.analyzer_key())?.calibration,
        ..engine
    })
}

fn llm_analyzer(
    llm: &LlmSettings,
    settings: &Settings,
    ctx: &AnalysisContext,
) -> Result<Arc<LlmAnalyzer>> {
    let analyzer = LlmAnalyzer::new(
        &llm.provider,
        &ctx.playbook,
        &settings.config.llm,
        llm.api_key.clone(),
        grounding::ground,
    )
    .with_context(|| format!("cannot use provider {}", llm.provider.kind.as_str()))?;
    check_pacing(llm, &analyzer)?;
    Ok(Arc::new(analyzer.keyed(ctx.key_material())))
}

/// `--rpm 0` would never send; a `--tpm` below the smallest request (the
/// instructions, schema and expected answer of an empty call) could never
/// send one either. Both are refused before anything starts.
fn check_pacing(llm: &LlmSettings, analyzer: &LlmAnalyzer) -> Result<()> {
    if llm.engine.rpm == Some(0) {
        anyhow::bail!(
            "--rpm 0 would never send a request: give the requests per minute your plan allows (at least 1)"
        );
    }
    let smallest = analyzer.smallest_request_tokens();
    if let Some(tpm) = llm.engine.tpm.filter(|&t| t < smallest) {
        anyhow::bail!(
            "--tpm {tpm} is below the smallest request (~{smallest} tokens: instructions, answer schema and expected answer), so no call could ever be sent; give the tokens per minute your plan allows"
        );
    }
    Ok(())
}

/// Fails early, naming the folder, when nothing can be written in it
/// (read-only mount, full disk, permissions).
fn check_writable(dir: &Path) -> Result<()> {
    let probe = dir.join(".callscope-write-check");
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .with_context(|| format!("cannot write in the output folder {}", dir.display()))
}

fn write_run_json(out: &Path, record: &RunRecord) -> Result<()> {
    let path = out.join("run.json");
    let json = serde_json::to_string_pretty(record)?;
    crate::export::atomic::write(&path, (json + "\n").as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

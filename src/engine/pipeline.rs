//! Drives one `analyze` run: input rows stream through metrics and an
//! analyzer (the heuristic on a thread pool, or an LLM through the engine)
//! into the store, every result written as it completes; cached calls are
//! skipped. Memory stays bounded by the calls in flight.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;

use crate::analyze::heuristic::{self, HEURISTIC_KEY};
use crate::analyze::llm::{LlmAnalyzer, RequestLog};
use crate::analyze::{Analysis, Provenance, crosscheck, grounding};
use crate::config::{Config, Playbook};
use crate::engine::{self, EngineOptions, Job, RunStats};
use crate::input::{self, InputSpec, RowResult, RowWarning};
use crate::metrics::{self, Metrics};
use crate::model::Call;
use crate::store::{CallKey, RequestRecord, RunId, Store, StoreError};

/// Calls waiting between stages; bounds memory whatever the input size.
const QUEUE: usize = 256;
/// Most writes per transaction.
const BATCH: usize = 512;
/// Longest a finished heuristic result waits before it is committed (LLM
/// results are paid for, and committed as each one arrives).
const MAX_COMMIT_DELAY: Duration = Duration::from_millis(250);

/// What one run did, as written to `run.json`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunCounts {
    pub calls_total: u64,
    pub calls_analyzed: u64,
    pub calls_cached: u64,
    pub calls_failed: u64,
    /// Calls left unanalysed because the run stopped early (quota, budget,
    /// Ctrl-C); a re-run picks them up.
    pub calls_pending: u64,
    pub rows_skipped: u64,
    pub warnings: u64,
}

/// Everything the analyzers need that is the same for every call.
pub struct AnalysisContext {
    pub playbook: Playbook,
    pub threshold_s: f64,
    pub heuristic_key: String,
}

impl AnalysisContext {
    pub fn new(config: &Config) -> AnalysisContext {
        let playbook = config.effective_playbook().into_owned();
        let threshold_s = config.analysis.short_call_threshold_s;
        let fingerprint = serde_json::to_vec(&(&playbook, threshold_s)).unwrap_or_default();
        let heuristic_key = format!(
            "{HEURISTIC_KEY}:{}",
            &blake3::hash(&fingerprint).to_hex()[..12]
        );
        AnalysisContext {
            playbook,
            threshold_s,
            heuristic_key,
        }
    }

    pub fn metrics(&self, call: &Call) -> Metrics {
        metrics::compute(call, &self.playbook, self.threshold_s)
    }

    /// Metrics and the heuristic insight of one call.
    pub fn heuristic(&self, call: &Call) -> (Metrics, Analysis) {
        let started = Instant::now();
        let metrics = self.metrics(call);
        let mut insight = heuristic::analyze(call, &metrics, &self.playbook, self.threshold_s);
        grounding::ground(&mut insight, call);
        let provenance = Provenance {
            analyzer: self.heuristic_key.clone(),
            latency_ms: Some(started.elapsed().as_millis() as u64),
            attempts: 1,
            ..Provenance::default()
        };
        let analysis = Analysis {
            insight: Some(insight),
            provenance,
        };
        (metrics, analysis)
    }
}

/// Who analyses the calls.
pub enum Executor {
    /// The heuristic analyzer on one thread per core.
    Heuristic,
    /// An LLM through the rate-adaptive engine.
    Llm {
        analyzer: Arc<LlmAnalyzer>,
        opts: EngineOptions,
    },
}

/// A run's input, config and destination.
pub struct RunPlan<'a> {
    pub spec: &'a InputSpec,
    pub config: &'a Config,
    pub ctx: Arc<AnalysisContext>,
    pub store: &'a Store,
    pub run: RunId,
    pub analyzer_key: String,
    pub limit: Option<u64>,
}

/// What a run did: counts, and the engine's figures for LLM runs.
pub struct RunOutcome {
    pub counts: RunCounts,
    pub engine: Option<RunStats>,
}

/// A finished call on its way to the store.
struct Done {
    key: CallKey,
    metrics: Metrics,
    analysis: Analysis,
    log: Vec<RequestLog>,
}

/// A call handed to an executor.
struct Work {
    key: CallKey,
    call: Box<Call>,
}

/// Streams the plan's input through `executor` into the store.
pub fn run(
    plan: RunPlan<'_>,
    executor: Executor,
    on_warning: &mut dyn FnMut(&RowWarning),
) -> anyhow::Result<RunOutcome> {
    let rows = input::open(plan.spec, plan.config)?;
    let (row_tx, row_rx) = mpsc::sync_channel::<RowResult>(QUEUE);
    let reader = thread::spawn(move || {
        for row in rows {
            if row_tx.send(row).is_err() {
                break;
            }
        }
    });
    let paid = matches!(executor, Executor::Llm { .. });
    let (dispatch, done_rx, engine) = match executor {
        Executor::Heuristic => {
            let (dispatch, done_rx) = spawn_heuristic(Arc::clone(&plan.ctx));
            (dispatch, done_rx, None)
        }
        Executor::Llm { analyzer, opts } => {
            let (dispatch, done_rx, handle) = spawn_engine(Arc::clone(&plan.ctx), analyzer, opts);
            (dispatch, done_rx, Some(handle))
        }
    };
    let mut writer = Writer {
        store: plan.store,
        run: plan.run,
        analyzer: plan.analyzer_key,
        counts: RunCounts::default(),
        commit_each_result: paid,
        in_flight: 0,
        pending: 0,
        last_commit: Instant::now(),
    };
    let result = writer.drive(row_rx, dispatch, &done_rx, plan.limit, on_warning);
    drop(done_rx);
    let _ = reader.join();
    let engine = engine.map(|h| h.join().unwrap_or_default());
    result.with_context(|| format!("cannot store results in {}", plan.store.path().display()))?;
    Ok(RunOutcome {
        counts: writer.counts,
        engine,
    })
}

/// What became of work offered to an executor.
enum Offer {
    Taken,
    /// The executor's queue is full: offer it again after storing results.
    Full(Work),
    /// The executor has stopped (quota, budget, Ctrl-C).
    Closed,
}

/// Offers work to an executor without blocking.
type Dispatch = Box<dyn FnMut(Work) -> Offer>;

fn spawn_heuristic(ctx: Arc<AnalysisContext>) -> (Dispatch, Receiver<Done>) {
    let (work_tx, work_rx) = mpsc::sync_channel::<Work>(QUEUE);
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    let work_rx = Arc::new(Mutex::new(work_rx));
    let workers = thread::available_parallelism().map_or(2, |n| n.get());
    for _ in 0..workers {
        let (work_rx, done_tx, ctx) = (Arc::clone(&work_rx), done_tx.clone(), Arc::clone(&ctx));
        thread::spawn(move || heuristic_worker(&work_rx, &done_tx, &ctx));
    }
    let dispatch = move |work| match work_tx.try_send(work) {
        Ok(()) => Offer::Taken,
        Err(mpsc::TrySendError::Full(work)) => Offer::Full(work),
        Err(mpsc::TrySendError::Disconnected(_)) => Offer::Closed,
    };
    (Box::new(dispatch), done_rx)
}

fn heuristic_worker(
    work_rx: &Mutex<Receiver<Work>>,
    done_tx: &Sender<Done>,
    ctx: &AnalysisContext,
) {
    loop {
        let job = match work_rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(Work { key, call }) = job else { return };
        let (metrics, analysis) = ctx.heuristic(&call);
        let done = Done {
            key,
            metrics,
            analysis,
            log: Vec::new(),
        };
        if done_tx.send(done).is_err() {
            return;
        }
    }
}

/// Runs the engine on its own tokio runtime; jobs go in through a bounded
/// channel, results come back through `Done`s.
fn spawn_engine(
    ctx: Arc<AnalysisContext>,
    analyzer: Arc<LlmAnalyzer>,
    opts: EngineOptions,
) -> (Dispatch, Receiver<Done>, thread::JoinHandle<RunStats>) {
    let (job_tx, job_rx) = tokio::sync::mpsc::channel::<(CallKey, Job)>(QUEUE);
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    let handle = thread::spawn(move || {
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                return RunStats {
                    stopped: Some(engine::StopReason::Unusable(format!(
                        "no async runtime: {e}"
                    ))),
                    ..RunStats::default()
                };
            }
        };
        runtime.block_on(drive_engine(job_rx, done_tx, analyzer, opts))
    });
    let dispatch = move |work: Work| {
        let permit = match job_tx.try_reserve() {
            Ok(permit) => permit,
            Err(tokio::sync::mpsc::error::TrySendError::Full(())) => return Offer::Full(work),
            Err(tokio::sync::mpsc::error::TrySendError::Closed(())) => return Offer::Closed,
        };
        let metrics = ctx.metrics(&work.call);
        let job = Job {
            call: *work.call,
            metrics,
        };
        permit.send((work.key, job));
        Offer::Taken
    };
    (Box::new(dispatch), done_rx, handle)
}

async fn drive_engine(
    job_rx: tokio::sync::mpsc::Receiver<(CallKey, Job)>,
    done_tx: Sender<Done>,
    analyzer: Arc<LlmAnalyzer>,
    opts: EngineOptions,
) -> RunStats {
    let shutdown = opts.shutdown.clone();
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            shutdown.escalate();
        }
    });
    // The engine sees calls; the writer needs their keys and metrics back.
    let keys = Arc::new(Mutex::new(std::collections::HashMap::new()));
    let remember = Arc::clone(&keys);
    let jobs = futures::stream::unfold(job_rx, move |mut rx| {
        let remember = Arc::clone(&remember);
        async move {
            let (key, job) = rx.recv().await?;
            if let Ok(mut keys) = remember.lock() {
                let entry = (key, job.metrics.clone(), job.call.outcome);
                keys.insert(job.call.id.clone(), entry);
            }
            Some((job, rx))
        }
    });
    engine::run(jobs, analyzer, opts, |result| {
        let entry = keys.lock().ok().and_then(|mut k| k.remove(&result.call_id));
        if let Some((key, metrics, outcome)) = entry {
            let mut analysis = result.analysis;
            if let Some(insight) = &analysis.insight {
                analysis.provenance.inconsistencies = crosscheck::check(insight, &metrics, outcome);
            }
            let _ = done_tx.send(Done {
                key,
                metrics,
                analysis,
                log: result.log,
            });
        }
    })
    .await
}

/// The one owner of the store during a run: records calls in input order,
/// skips cached ones, and writes results in short transactions.
struct Writer<'a> {
    store: &'a Store,
    run: RunId,
    analyzer: String,
    counts: RunCounts,
    /// Commit every result as it arrives, so a crash loses none.
    commit_each_result: bool,
    in_flight: u64,
    pending: usize,
    last_commit: Instant,
}

impl Writer<'_> {
    fn drive(
        &mut self,
        rows: Receiver<RowResult>,
        mut dispatch: Dispatch,
        done_rx: &Receiver<Done>,
        limit: Option<u64>,
        on_warning: &mut dyn FnMut(&RowWarning),
    ) -> Result<(), StoreError> {
        self.begin()?;
        let mut executor_open = true;
        for row in rows {
            self.drain(done_rx, false)?;
            match row {
                RowResult::Skipped(w) => {
                    self.counts.rows_skipped += 1;
                    self.warn(&w, on_warning)?;
                }
                RowResult::Call(call, warnings) => {
                    for w in &warnings {
                        self.warn(w, on_warning)?;
                    }
                    if limit.is_some_and(|l| self.counts.calls_total >= l) {
                        break;
                    }
                    if let Some(work) = self.accept(call)? {
                        executor_open =
                            executor_open && self.offer(&mut dispatch, work, done_rx)?;
                        match executor_open {
                            true => self.in_flight += 1,
                            false => self.counts.calls_pending += 1,
                        }
                    }
                }
            }
        }
        drop(dispatch);
        while self.in_flight > 0 {
            self.drain(done_rx, true)?;
        }
        self.commit()
    }

    /// Offers work until the executor takes it, storing results meanwhile.
    /// `false` when the executor has stopped.
    fn offer(
        &mut self,
        dispatch: &mut Dispatch,
        mut work: Work,
        done_rx: &Receiver<Done>,
    ) -> Result<bool, StoreError> {
        loop {
            match dispatch(work) {
                Offer::Taken => return Ok(true),
                Offer::Closed => return Ok(false),
                Offer::Full(back) => {
                    work = back;
                    self.drain(done_rx, true)?;
                }
            }
        }
    }

    /// Records the call; returns the work to do unless it is cached.
    fn accept(&mut self, call: Box<Call>) -> Result<Option<Work>, StoreError> {
        let (key, json) = CallKey::with_json(&call);
        let seq = self.counts.calls_total as i64;
        self.counts.calls_total += 1;
        self.store.record_call(self.run, seq, &key, &call, &json)?;
        self.wrote()?;
        if self.store.is_cached(&key, &self.analyzer)? {
            self.counts.calls_cached += 1;
            return Ok(None);
        }
        Ok(Some(Work { key, call }))
    }

    /// Stores finished results; with `block`, waits for at least one. When
    /// the executor has gone, what it never answered is counted as pending.
    fn drain(&mut self, done_rx: &Receiver<Done>, block: bool) -> Result<(), StoreError> {
        if block {
            match done_rx.recv_timeout(Duration::from_millis(200)) {
                Ok(done) => self.store_done(done)?,
                Err(RecvTimeoutError::Timeout) => self.flush()?,
                Err(RecvTimeoutError::Disconnected) => {
                    self.counts.calls_pending += self.in_flight;
                    self.in_flight = 0;
                }
            }
        }
        while let Ok(done) = done_rx.try_recv() {
            self.store_done(done)?;
        }
        Ok(())
    }

    fn store_done(&mut self, done: Done) -> Result<(), StoreError> {
        self.in_flight = self.in_flight.saturating_sub(1);
        match done.analysis.insight {
            Some(_) => self.counts.calls_analyzed += 1,
            None => self.counts.calls_failed += 1,
        }
        for entry in &done.log {
            self.store.log_request(&request_record(&done, entry))?;
        }
        self.store
            .record_analysis(&done.key, &done.metrics, &done.analysis)?;
        self.wrote()?;
        if self.commit_each_result {
            self.flush()?;
        }
        Ok(())
    }

    fn warn(
        &mut self,
        w: &RowWarning,
        on_warning: &mut dyn FnMut(&RowWarning),
    ) -> Result<(), StoreError> {
        self.counts.warnings += 1;
        on_warning(w);
        self.store.record_warning(
            self.run,
            &w.file,
            Some(w.row),
            w.column.as_deref(),
            &w.message,
        )?;
        self.wrote()
    }

    fn begin(&mut self) -> Result<(), StoreError> {
        self.store.begin()?;
        self.pending = 0;
        self.last_commit = Instant::now();
        Ok(())
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.store.commit()
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        if self.pending > 0 {
            self.commit()?;
            self.begin()?;
        }
        Ok(())
    }

    fn wrote(&mut self) -> Result<(), StoreError> {
        self.pending += 1;
        if self.pending >= BATCH || self.last_commit.elapsed() >= MAX_COMMIT_DELAY {
            self.flush()?;
        }
        Ok(())
    }
}

fn request_record<'a>(done: &'a Done, entry: &'a RequestLog) -> RequestRecord<'a> {
    RequestRecord {
        call_id: &done.key.call_id,
        analyzer: &done.analysis.provenance.analyzer,
        attempt: entry.attempt,
        http_status: entry.status,
        error: entry.error.as_deref(),
        request: entry.request.to_string(),
        response: entry.response.as_deref(),
        latency_ms: Some(entry.latency_ms),
    }
}

/// `--dry-run`: what an LLM run would send, without sending or storing
/// anything. Calls already analysed by this analyzer are left out (a call
/// whose cache lookup fails is counted, so the estimate errs high).
pub fn dry_run(
    spec: &InputSpec,
    config: &Config,
    ctx: &AnalysisContext,
    store: Option<&Store>,
    analyzer: &LlmAnalyzer,
    limit: Option<u64>,
) -> anyhow::Result<engine::Estimate> {
    let cached = |call: &Call| {
        store.is_some_and(|s| {
            s.is_cached(&CallKey::of(call), analyzer.analyzer_key())
                .unwrap_or(false)
        })
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
    Ok(runtime.block_on(engine::estimate(futures::stream::iter(jobs), analyzer)))
}

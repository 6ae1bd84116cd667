//! Drives one `analyze` run: input rows stream through metrics and the
//! heuristic analyzer into the store, every result written as it completes;
//! cached calls are skipped. Memory stays bounded by the calls in flight.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::analyze::heuristic::{self, HEURISTIC_KEY};
use crate::analyze::{Analysis, Provenance, grounding};
use crate::config::{Config, Playbook};
use crate::input::{self, InputSpec, RowResult, RowWarning};
use crate::metrics::{self, Metrics};
use crate::model::Call;
use crate::store::{CallKey, RunId, Store, StoreError};

/// Calls waiting between stages; bounds memory whatever the input size.
const QUEUE: usize = 256;
/// Most writes per transaction.
const BATCH: usize = 512;
/// Longest a finished result waits before it is committed.
const MAX_COMMIT_DELAY: Duration = Duration::from_millis(250);

/// What one run did, as written to `run.json`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunCounts {
    pub calls_total: u64,
    pub calls_analyzed: u64,
    pub calls_cached: u64,
    pub calls_failed: u64,
    pub rows_skipped: u64,
    pub warnings: u64,
}

/// Everything an analyzer needs that is the same for every call.
pub struct AnalysisContext {
    pub playbook: Playbook,
    pub threshold_s: f64,
    pub analyzer_key: String,
}

impl AnalysisContext {
    pub fn heuristic(config: &Config) -> AnalysisContext {
        let playbook = config.playbook.clone().unwrap_or_else(Playbook::generic);
        let threshold_s = config.analysis.short_call_threshold_s;
        let fingerprint = serde_json::to_vec(&(&playbook, threshold_s)).unwrap_or_default();
        let analyzer_key = format!(
            "{HEURISTIC_KEY}:{}",
            &blake3::hash(&fingerprint).to_hex()[..12]
        );
        AnalysisContext {
            playbook,
            threshold_s,
            analyzer_key,
        }
    }

    /// Metrics and the heuristic insight of one call.
    pub fn analyze(&self, call: &Call) -> (Metrics, Analysis) {
        let started = Instant::now();
        let metrics = metrics::compute(call, &self.playbook, self.threshold_s);
        let mut insight = heuristic::analyze(call, &metrics, &self.playbook, self.threshold_s);
        grounding::ground(&mut insight, call);
        let provenance = Provenance {
            analyzer: self.analyzer_key.clone(),
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

/// A finished call on its way to the store.
struct Done {
    key: CallKey,
    metrics: Metrics,
    analysis: Analysis,
}

/// Streams `spec` through the heuristic analyzer into `store` under `run`.
/// `limit` stops after that many calls. `on_warning` sees every row warning.
pub fn run_offline(
    spec: &InputSpec,
    config: &Config,
    ctx: Arc<AnalysisContext>,
    store: &Store,
    run: RunId,
    limit: Option<u64>,
    on_warning: &mut dyn FnMut(&RowWarning),
) -> anyhow::Result<RunCounts> {
    let rows = input::open(spec, config)?;
    let (row_tx, row_rx) = mpsc::sync_channel::<RowResult>(QUEUE);
    let reader = thread::spawn(move || {
        for row in rows {
            if row_tx.send(row).is_err() {
                break;
            }
        }
    });
    let analyzer = ctx.analyzer_key.clone();
    let (work_tx, done_rx) = spawn_workers(ctx);
    let mut writer = Writer {
        store,
        run,
        analyzer,
        counts: RunCounts::default(),
        in_flight: 0,
        pending: 0,
        last_commit: Instant::now(),
    };
    let result = writer.drive(row_rx, work_tx, &done_rx, limit, on_warning);
    let _ = reader.join();
    result?;
    Ok(writer.counts)
}

type WorkSender = SyncSender<(CallKey, Box<Call>)>;

fn spawn_workers(ctx: Arc<AnalysisContext>) -> (WorkSender, Receiver<Done>) {
    let (work_tx, work_rx) = mpsc::sync_channel::<(CallKey, Box<Call>)>(QUEUE);
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    let work_rx = Arc::new(std::sync::Mutex::new(work_rx));
    let workers = thread::available_parallelism().map_or(2, |n| n.get());
    for _ in 0..workers {
        let (work_rx, done_tx, ctx) = (Arc::clone(&work_rx), done_tx.clone(), Arc::clone(&ctx));
        thread::spawn(move || worker(&work_rx, &done_tx, &ctx));
    }
    (work_tx, done_rx)
}

fn worker(
    work_rx: &std::sync::Mutex<Receiver<(CallKey, Box<Call>)>>,
    done_tx: &Sender<Done>,
    ctx: &AnalysisContext,
) {
    loop {
        let job = match work_rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((key, call)) = job else { return };
        let (metrics, analysis) = ctx.analyze(&call);
        if done_tx
            .send(Done {
                key,
                metrics,
                analysis,
            })
            .is_err()
        {
            return;
        }
    }
}

/// The one owner of the store during a run: records calls in input order,
/// skips cached ones, and writes results in short transactions.
struct Writer<'a> {
    store: &'a Store,
    run: RunId,
    analyzer: String,
    counts: RunCounts,
    in_flight: u64,
    pending: usize,
    last_commit: Instant,
}

impl Writer<'_> {
    fn drive(
        &mut self,
        rows: Receiver<RowResult>,
        work_tx: WorkSender,
        done_rx: &Receiver<Done>,
        limit: Option<u64>,
        on_warning: &mut dyn FnMut(&RowWarning),
    ) -> Result<(), StoreError> {
        self.begin()?;
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
                    self.accept(call, &work_tx)?;
                }
            }
        }
        drop(work_tx);
        while self.in_flight > 0 {
            self.drain(done_rx, true)?;
        }
        self.commit()
    }

    fn accept(&mut self, call: Box<Call>, work_tx: &WorkSender) -> Result<(), StoreError> {
        let key = CallKey::of(&call);
        let seq = self.counts.calls_total as i64;
        self.counts.calls_total += 1;
        self.store.record_call(self.run, seq, &key, &call)?;
        self.wrote()?;
        if self.store.is_cached(&key, &self.analyzer)? {
            self.counts.calls_cached += 1;
            return Ok(());
        }
        self.in_flight += 1;
        // Workers only stop when this sender is dropped, so a send cannot fail
        // while the run is going on.
        let _ = work_tx.send((key, call));
        Ok(())
    }

    /// Stores finished results; with `block`, waits for at least one.
    fn drain(&mut self, done_rx: &Receiver<Done>, block: bool) -> Result<(), StoreError> {
        if block {
            match done_rx.recv_timeout(Duration::from_millis(200)) {
                Ok(done) => self.store_done(done)?,
                Err(RecvTimeoutError::Timeout) => self.flush()?,
                Err(RecvTimeoutError::Disconnected) => self.in_flight = 0,
            }
        }
        while let Ok(done) = done_rx.try_recv() {
            self.store_done(done)?;
        }
        Ok(())
    }

    fn store_done(&mut self, done: Done) -> Result<(), StoreError> {
        self.in_flight -= 1;
        match done.analysis.insight {
            Some(_) => self.counts.calls_analyzed += 1,
            None => self.counts.calls_failed += 1,
        }
        self.store
            .record_analysis(&done.key, &done.metrics, &done.analysis)?;
        self.wrote()
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

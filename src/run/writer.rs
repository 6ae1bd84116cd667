//! The one owner of the store during a run: records calls in input order,
//! skips cached ones, hands the rest to the executor and writes results in
//! short transactions, counting what happened (`RunCounts`).

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::analyze::detect::Detectors;
use crate::analyze::llm::RequestLog;
use crate::input::{RowResult, RowWarning};
use crate::model::Call;
use crate::store::{CallKey, RequestRecord, RunId, Store, StoreError};

use super::executor::{Dispatch, Done, Offer, Work};
use super::progress::Progress;

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

/// The one owner of the store during a run: records calls in input order,
/// skips cached ones, and writes results in short transactions.
pub(super) struct Writer<'a> {
    store: &'a Store,
    run: RunId,
    analyzer: String,
    pub(super) counts: RunCounts,
    /// Commit every result as it arrives, so a crash loses none.
    commit_each_result: bool,
    in_flight: u64,
    pending: usize,
    last_commit: Instant,
    detectors: Arc<Detectors>,
    /// The executor tags the calls it analyses (the heuristic does).
    executor_tags: bool,
    progress: Progress,
}

impl<'a> Writer<'a> {
    /// A writer of `analyzer`'s results into `store` for `run`; a paid
    /// (LLM) run commits every result as it arrives, and its calls are
    /// tagged by `detectors` here rather than by the executor.
    pub(super) fn new(
        store: &'a Store,
        run: RunId,
        analyzer: String,
        paid: bool,
        detectors: Arc<Detectors>,
        progress: Progress,
    ) -> Self {
        Writer {
            store,
            run,
            analyzer,
            counts: RunCounts::default(),
            commit_each_result: paid,
            in_flight: 0,
            pending: 0,
            last_commit: Instant::now(),
            detectors,
            executor_tags: !paid,
            progress,
        }
    }

    pub(super) fn drive(
        &mut self,
        rows: Receiver<RowResult>,
        mut dispatch: Dispatch,
        done_rx: &Receiver<Done>,
        limit: Option<u64>,
        on_warning: &mut dyn FnMut(&RowWarning),
    ) -> Result<(), StoreError> {
        self.begin()?;
        self.store
            .record_run_detector(self.run, self.detectors.key())?;
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
        self.progress.finish(&self.counts);
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
        let cached = self.store.is_cached(&key, &self.analyzer)?;
        if cached || !self.executor_tags {
            self.tag(&key, &call)?;
        }
        if cached {
            self.counts.calls_cached += 1;
            self.progress.tick(&self.counts);
            return Ok(None);
        }
        Ok(Some(Work { key, call }))
    }

    /// Stores the call's sentence detections unless they are stored.
    fn tag(&mut self, key: &CallKey, call: &Call) -> Result<(), StoreError> {
        let detector = self.detectors.key();
        if !self.store.has_utterances(key, detector)? {
            let tags = self.detectors.tag_call(call);
            self.store.record_utterances(key, detector, &tags)?;
            self.wrote()?;
        }
        Ok(())
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
        self.progress.spend(done.analysis.provenance.cost_usd);
        self.progress.tick(&self.counts);
        for entry in &done.log {
            self.store.log_request(&request_record(&done, entry))?;
        }
        self.store
            .record_analysis(&done.key, &done.metrics, &done.analysis)?;
        if let Some(tags) = &done.tags {
            self.store
                .record_utterances(&done.key, self.detectors.key(), tags)?;
        }
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

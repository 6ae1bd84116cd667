//! `analyze --batch`: the calls the store has no answer for go to the
//! provider's batch API (half price, answers within 24 h) instead of the
//! streaming engine.
//!
//! Every run first collects: each open batch is polled, and one that has
//! ended has its answers validated, grounded, cross-checked and stored
//! exactly as the streaming path stores them. Then the calls still without
//! an answer, and in no open batch, are submitted: each batch is recorded
//! with its calls in the store (committed) before anything is sent, and
//! its provider id as soon as the provider names it, so a call in an open
//! batch is never sent twice. Calls of an expired, cancelled or failed
//! batch that did not complete are sent again (at most
//! [`MAX_SENDS_PER_RUN`] times per run); a call whose line failed or could
//! not be read is stored as failed with the reason, and a re-run sends it
//! again. `--wait` repeats collect and submit, polling with back-off,
//! until no batch is open.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::json;

use crate::analyze::llm::batch::{
    Answered, BatchApi, BatchRequest, BatchState, LineKey, LineOutcome, LineResult,
};
use crate::analyze::llm::{ErrorClass, LlmAnalyzer, LlmError};
use crate::analyze::{Analysis, crosscheck};
use crate::engine::StopReason;
use crate::engine::batch::{BatchStats, PollSchedule, split};
use crate::metrics::Metrics;
use crate::model::Call;
use crate::store::{CallKey, OpenBatch, RequestRecord, Store};

use super::context::AnalysisContext;

/// Times one call may be sent in one run (the first submission and the
/// resubmissions after its batch expired or was cancelled).
pub const MAX_SENDS_PER_RUN: u32 = 3;

/// `--batch [--wait] [--batch-poll-s S]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchMode {
    /// Poll until every batch has ended, instead of returning after submit.
    pub wait: bool,
    /// The first wait between polls (doubling up to ten minutes).
    pub first_poll: Duration,
}

/// A call the pipeline found without an answer, waiting to be batched.
pub struct Queued {
    pub key: CallKey,
    pub call: Box<Call>,
    pub metrics: Metrics,
}

/// Where the pipeline leaves the calls it hands to the batch executor.
pub type Queue = Arc<Mutex<Vec<Queued>>>;

/// What the batch phase did to this run's calls.
#[derive(Debug, Clone, Default)]
pub struct BatchOutcome {
    pub stats: BatchStats,
    /// This run's calls answered and failed.
    pub analyzed: u64,
    pub failed: u64,
    /// This run's calls in a batch still open.
    pub pending: u64,
    pub stopped: Option<StopReason>,
}

/// Collects what has ended, submits what is left (and with `--wait`
/// repeats until nothing is open).
pub fn run(
    store: &Store,
    analyzer: &LlmAnalyzer,
    ctx: &AnalysisContext,
    mode: BatchMode,
    queued: Vec<Queued>,
) -> Result<BatchOutcome> {
    let api = BatchApi::new(analyzer.client()).with_context(|| {
        format!(
            "--batch: provider {} has no batch API (use gemini or openai)",
            analyzer.client().kind().as_str()
        )
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut batcher = Batcher {
        api,
        store,
        analyzer,
        ctx,
        stats: BatchStats {
            cost_usd: analyzer.price().map(|_| 0.0),
            streaming_cost_usd: analyzer.price().map(|_| 0.0),
            ..BatchStats::default()
        },
        queued: queued
            .into_iter()
            .map(|q| ((q.key.call_id.clone(), q.key.content_hash.clone()), q))
            .collect(),
        answered: HashMap::new(),
        sends: HashMap::new(),
    };
    let stopped = runtime.block_on(batcher.drive(mode))?;
    let open = store.open_batches(analyzer.analyzer_key())?;
    batcher.stats.calls_waiting = open.iter().map(|b| b.calls.len() as u64).sum();
    Ok(batcher.outcome(stopped))
}

type Id = (String, String);

fn id(key: &CallKey) -> Id {
    (key.call_id.clone(), key.content_hash.clone())
}

struct Batcher<'a> {
    api: BatchApi<'a>,
    store: &'a Store,
    analyzer: &'a LlmAnalyzer,
    ctx: &'a AnalysisContext,
    stats: BatchStats,
    /// This run's calls without an answer when the pipeline saw them.
    queued: HashMap<Id, Queued>,
    /// Calls given an answer (true) or a failure (false) in this run.
    answered: HashMap<Id, bool>,
    sends: HashMap<Id, u32>,
}

/// Why the batch phase stopped early.
enum Halt {
    Provider(LlmError),
    Store(anyhow::Error),
}

impl From<crate::store::StoreError> for Halt {
    fn from(e: crate::store::StoreError) -> Self {
        Halt::Store(e.into())
    }
}

impl Batcher<'_> {
    async fn drive(&mut self, mode: BatchMode) -> Result<Option<StopReason>, anyhow::Error> {
        let mut schedule = PollSchedule::new(mode.first_poll);
        loop {
            let step = async {
                self.collect().await?;
                self.submit().await
            };
            match step.await {
                Ok(()) => {}
                Err(Halt::Provider(e)) => return Ok(Some(stop_reason(e))),
                Err(Halt::Store(e)) => return Err(e),
            }
            if !mode.wait
                || self
                    .store
                    .open_batches(self.analyzer.analyzer_key())?
                    .is_empty()
            {
                return Ok(None);
            }
            tokio::select! {
                () = tokio::time::sleep(schedule.next_wait()) => {}
                _ = tokio::signal::ctrl_c() => return Ok(Some(StopReason::Interrupted)),
            }
        }
    }

    fn outcome(self, stopped: Option<StopReason>) -> BatchOutcome {
        let mut out = BatchOutcome {
            stopped,
            ..BatchOutcome::default()
        };
        for id in self.queued.keys() {
            match self.answered.get(id) {
                Some(true) => out.analyzed += 1,
                Some(false) => out.failed += 1,
                None => out.pending += 1,
            }
        }
        out.stats = self.stats;
        out.stats.http_requests = self.api.requests();
        out
    }

    /// Stores the answers of every open batch that has ended.
    async fn collect(&mut self) -> Result<(), Halt> {
        for batch in self.store.open_batches(self.analyzer.analyzer_key())? {
            let Some(remote) = batch.remote_id.clone() else {
                // Recorded, but the provider never named it: the run
                // stopped before it was created, so its calls go again.
                self.store.close_batch(batch.id)?;
                continue;
            };
            let polled = self.api.poll(&remote).await.map_err(Halt::Provider)?;
            if !polled.state.is_terminal() {
                continue;
            }
            let results = self.api.results(&polled).await.map_err(Halt::Provider)?;
            self.store_results(
                &batch,
                &remote,
                polled.state,
                results.lines,
                results.unreadable,
            )?;
            self.store.close_batch(batch.id)?;
            self.stats.batches_collected += 1;
        }
        Ok(())
    }

    fn store_results(
        &mut self,
        batch: &OpenBatch,
        remote: &str,
        state: BatchState,
        lines: Vec<LineResult>,
        unreadable: usize,
    ) -> Result<(), Halt> {
        let by_id: HashMap<&str, usize> = batch
            .calls
            .iter()
            .enumerate()
            .map(|(i, k)| (k.call_id.as_str(), i))
            .collect();
        let mut seen = HashSet::new();
        self.store.begin()?;
        for line in lines {
            let index = match &line.key {
                LineKey::Key(k) => by_id.get(k.as_str()).copied(),
                LineKey::Index(i) => Some(*i).filter(|i| *i < batch.calls.len()),
            };
            let outcome = match line.outcome {
                LineOutcome::Answered(a) => Ok(a),
                LineOutcome::Failed(reason) => Err(reason),
                LineOutcome::NotRun => continue,
            };
            let Some(index) = index.filter(|i| seen.insert(*i)) else {
                continue;
            };
            self.store_call(&batch.calls[index], remote, outcome)?;
        }
        for (index, key) in batch.calls.iter().enumerate() {
            if seen.contains(&index) {
                continue;
            }
            if state == BatchState::Succeeded {
                let reason = format!(
                    "batch {remote} completed without a readable answer for this call ({unreadable} unreadable results lines)"
                );
                self.store_call(key, remote, Err(reason))?;
            } else {
                // Expired, cancelled or failed before this call: sent again.
                self.stats.calls_resubmitted += u64::from(self.queued.contains_key(&id(key)));
            }
        }
        self.store.commit()?;
        Ok(())
    }

    /// Validates, grounds and stores one call's answer (or its failure) as
    /// the streaming path does.
    fn store_call(
        &mut self,
        key: &CallKey,
        remote: &str,
        outcome: Result<Answered, String>,
    ) -> Result<(), Halt> {
        let Some(call) = self
            .store
            .call_versions(&key.call_id)?
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, call)| call)
        else {
            return Ok(());
        };
        let metrics = self.ctx.metrics(&call);
        let mut analysis = Analysis {
            insight: None,
            provenance: self.analyzer.provenance(),
        };
        analysis.provenance.attempts = 1;
        let (status, body) = match &outcome {
            Ok(a) => (Some(200), Some(a.body.clone())),
            Err(_) => (None, None),
        };
        match outcome {
            Ok(answered) => {
                self.account(&call, &metrics, &answered, &mut analysis);
                match answered.answer {
                    Ok(answer) => match self.analyzer.accept(&answer.text, &call) {
                        Ok(insight) => {
                            analysis.provenance.inconsistencies =
                                crosscheck::check(&insight, &metrics, call.outcome);
                            analysis.insight = Some(insight);
                        }
                        Err(reason) => {
                            analysis.provenance.error = Some(format!("invalid answer: {reason}"))
                        }
                    },
                    Err(e) => analysis.provenance.error = Some(e.to_string()),
                }
            }
            Err(reason) => analysis.provenance.error = Some(reason),
        }
        let ok = analysis.insight.is_some();
        self.stats.calls_collected += 1;
        self.stats.calls_failed += u64::from(!ok);
        self.answered.insert(id(key), ok);
        let request = json!({"batch": remote, "call_id": key.call_id}).to_string();
        self.store.log_request(&RequestRecord {
            call_id: &key.call_id,
            analyzer: &analysis.provenance.analyzer,
            attempt: 1,
            http_status: status,
            error: analysis.provenance.error.as_deref(),
            request,
            response: body.as_deref(),
            latency_ms: None,
        })?;
        self.store.record_analysis(key, &metrics, &analysis)?;
        Ok(())
    }

    /// Tokens and cost of one answer, at batch prices (unknown usage is
    /// estimated from the prompt and the expected answer).
    fn account(&mut self, call: &Call, metrics: &Metrics, answered: &Answered, a: &mut Analysis) {
        let analyzer = self.analyzer;
        let estimate = || analyzer.estimate_input(&analyzer.conversation(call, metrics));
        let tokens_in = answered.usage.tokens_in.unwrap_or_else(estimate);
        let tokens_out = answered
            .usage
            .tokens_out
            .unwrap_or(analyzer.expected_output_tokens());
        let cost = analyzer.batch_cost(tokens_in, tokens_out);
        self.stats.tokens_in += tokens_in;
        self.stats.tokens_out += tokens_out;
        add(&mut self.stats.cost_usd, cost);
        add(
            &mut self.stats.streaming_cost_usd,
            analyzer.cost(tokens_in, tokens_out),
        );
        a.provenance.tokens_in = Some(tokens_in);
        a.provenance.tokens_out = Some(tokens_out);
        a.provenance.cost_usd = cost;
    }

    /// Submits this run's calls that have no answer and are in no open
    /// batch, in as few batches as the provider's limits allow.
    async fn submit(&mut self) -> Result<(), Halt> {
        let open = self.store.open_batches(self.analyzer.analyzer_key())?;
        let waiting: HashSet<Id> = open.iter().flat_map(|b| b.calls.iter().map(id)).collect();
        let mut ids: Vec<&Id> = self
            .queued
            .keys()
            .filter(|i| !self.answered.contains_key(*i) && !waiting.contains(*i))
            .filter(|i| self.sends.get(*i).copied().unwrap_or(0) < MAX_SENDS_PER_RUN)
            .collect();
        ids.sort();
        let mut keys = Vec::new();
        let mut entries = Vec::new();
        let mut too_large = Vec::new();
        for i in ids {
            let q = &self.queued[i];
            let conv = self.analyzer.conversation(&q.call, &q.metrics);
            if let Err(e) = self
                .analyzer
                .check_context(self.analyzer.estimate_input(&conv))
            {
                too_large.push((q.key.clone(), e.to_string()));
                continue;
            }
            let request = BatchRequest {
                key: q.key.call_id.clone(),
                body: self.analyzer.client().body(&conv),
            };
            entries.push(self.api.entry(&request));
            keys.push(q.key.clone());
        }
        if !too_large.is_empty() {
            self.store.begin()?;
            for (key, reason) in too_large {
                self.store_call(&key, "(not sent)", Err(reason))?;
            }
            self.store.commit()?;
        }
        let sizes: Vec<usize> = entries.iter().map(|e| e.to_string().len() + 1).collect();
        for range in split(&sizes, self.api.limits()) {
            let chunk = &keys[range.clone()];
            let local = self.store.open_batch(self.analyzer.analyzer_key(), chunk)?;
            let name = format!("callscope-{}", local.0);
            let remote = match self.api.submit(&entries[range], &name).await {
                Ok(remote) => remote,
                Err(e) => {
                    self.store.close_batch(local)?;
                    return Err(Halt::Provider(e));
                }
            };
            self.store.batch_submitted(local, &remote)?;
            self.stats.batches_submitted += 1;
            self.stats.calls_submitted += chunk.len() as u64;
            for key in chunk {
                *self.sends.entry(id(key)).or_insert(0) += 1;
            }
        }
        Ok(())
    }
}

fn add(total: &mut Option<f64>, cost: Option<f64>) {
    if let (Some(t), Some(c)) = (total.as_mut(), cost) {
        *t += c;
    }
}

/// A batch API error ends the batch phase; what is stored stays, and the
/// same command resumes.
fn stop_reason(e: LlmError) -> StopReason {
    match (e.class(), &e) {
        (_, LlmError::InsufficientQuota { message }) => {
            StopReason::InsufficientQuota(message.clone())
        }
        (_, LlmError::DailyQuota { message }) => StopReason::DailyQuota(message.clone()),
        (ErrorClass::FatalRun, _) => StopReason::Unusable(e.to_string()),
        _ => StopReason::Unusable(format!("batch API: {e}")),
    }
}

//! The LLM engine: calls flow to an LLM with bounded, rate-adaptive
//! concurrency (the run layer, `crate::run`, drives a whole run).
//!
//! `run` pulls jobs from a stream (no batch barrier), sends each call to the
//! LLM under an adaptive concurrency limit and optional RPM/TPM pacing,
//! retries what can be retried, stops cleanly on quota, budget or Ctrl-C,
//! and hands every result to the sink as it arrives.

pub mod backoff;
pub mod batch;
pub mod budget;
pub mod estimate;
pub mod estimator;
pub mod limiter;
mod narrative;
pub mod pacer;
pub mod rate;
pub mod shutdown;
mod worker;

use std::sync::Arc;

use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::task::JoinSet;

use crate::analyze::Analysis;
use crate::analyze::llm::{LlmAnalyzer, RequestLog};
use crate::metrics::Metrics;
use crate::model::Call;

pub use backoff::Backoff;
pub use budget::FolderBudget;
pub use estimate::{Estimate, Pace, estimate};
pub use estimator::Calibration;
pub use shutdown::Shutdown;

/// One call to analyse.
#[derive(Debug, Clone)]
pub struct Job {
    pub call: Call,
    pub metrics: Metrics,
}

/// The analysis of one call, with its request/response log for `inspect`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobResult {
    pub call_id: String,
    /// Provenance filled: tokens, cost, latency, attempts, error.
    pub analysis: Analysis,
    pub log: Vec<RequestLog>,
    /// The last rejected answer, kept when the call failed validation.
    pub raw_answer: Option<String>,
}

/// Why a run stopped before every call was analysed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "reason", content = "detail")]
pub enum StopReason {
    #[error("the provider's daily quota is exhausted: {0}")]
    DailyQuota(String),
    #[error("the account has insufficient quota: {0}")]
    InsufficientQuota(String),
    #[error("the provider cannot be used: {0}")]
    Unusable(String),
    #[error("the budget of ${0:.2} would be exceeded")]
    Budget(f64),
    #[error(
        "the output folder's budget of ${limit_usd:.2} across runs would be exceeded (${spent_before_usd:.2} spent before this run)"
    )]
    FolderBudget {
        limit_usd: f64,
        spent_before_usd: f64,
    },
    #[error("--budget-usd needs a price for model {0} (add it to [llm.prices])")]
    UnknownPrice(String),
    #[error("interrupted: requests in flight finished")]
    Interrupted,
    #[error("aborted: requests in flight were dropped")]
    Aborted,
}

/// What a run did (`run.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunStats {
    pub requests: u64,
    pub retries: u64,
    pub http_429: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// `None` when the model's price is unknown.
    pub cost_usd: Option<f64>,
    /// Calls answered and failed (the run layer counts them for `run.json`).
    #[serde(default, skip_serializing)]
    pub done: u64,
    #[serde(default, skip_serializing)]
    pub failed: u64,
    pub stopped: Option<StopReason>,
    /// Set by a dry run, which sends nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<Estimate>,
    /// Estimated against reported tokens of the answers of this run.
    pub calibration: Calibration,
}

/// The engine flags: `--max-concurrency --rpm --tpm --budget-usd --dry-run`.
/// Every retry loop is bounded: per call, one re-ask of an invalid answer,
/// one retry of a blocked answer, `max_retries` transient errors and
/// `max_rate_limit_retries` 429s (each after the server's wait or the
/// back-off).
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Most requests in flight; below it the rate controller sizes
    /// concurrency from the rate × the observed latency.
    pub max_concurrency: usize,
    /// Upper bounds from the plan; without them the limit is found.
    pub rpm: Option<u32>,
    pub tpm: Option<u64>,
    pub budget_usd: Option<f64>,
    /// `[llm] budget_total_usd` for the output folder across runs.
    pub folder_budget: Option<FolderBudget>,
    /// Estimated against reported tokens of earlier runs' answers, which
    /// corrects the estimates from the first request on.
    pub prior: Calibration,
    pub dry_run: bool,
    /// Retries of 5xx / timeout / connection errors per call.
    pub max_retries: u32,
    /// Retries of 429 answers per call.
    pub max_rate_limit_retries: u32,
    pub backoff: Backoff,
    /// Ctrl-C handling; one per run.
    pub shutdown: Shutdown,
}

impl EngineOptions {
    /// The ceiling on requests in flight unless told otherwise; below it
    /// the rate controller sizes concurrency from rate × latency.
    pub const DEFAULT_MAX_CONCURRENCY: usize = 512;

    /// The defaults with at most `max` requests in flight (at least 1).
    pub fn with_max_concurrency(max: usize) -> Self {
        EngineOptions {
            max_concurrency: max.max(1),
            rpm: None,
            tpm: None,
            budget_usd: None,
            folder_budget: None,
            prior: Calibration::default(),
            dry_run: false,
            max_retries: 5,
            max_rate_limit_retries: 10,
            backoff: Backoff::default(),
            shutdown: Shutdown::default(),
        }
    }
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self::with_max_concurrency(Self::DEFAULT_MAX_CONCURRENCY)
    }
}

/// Analyse every job of the stream; each result goes to `sink` as soon as
/// it is complete. Calls not analysed because the run stopped are not
/// handed to the sink (a re-run picks them up).
pub async fn run<S, F>(
    jobs: S,
    analyzer: Arc<LlmAnalyzer>,
    opts: EngineOptions,
    sink: F,
) -> RunStats
where
    S: Stream<Item = Job>,
    F: FnMut(JobResult),
{
    if opts.dry_run {
        let est = estimate(jobs, &analyzer, &opts.prior).await;
        return RunStats {
            estimate: Some(est),
            ..RunStats::default()
        };
    }
    let scheduler = Scheduler::new(analyzer, opts);
    scheduler.run(jobs, sink).await;
    scheduler.finish()
}

/// The one scheduler of a run's LLM requests, the calls' and the report
/// narrative's alike: one concurrency limit, RPM/TPM pacing, retry policy,
/// budget, and one account of requests, tokens and cost (`finish`).
pub struct Scheduler {
    shared: Arc<worker::Shared>,
}

impl Scheduler {
    pub fn new(analyzer: Arc<LlmAnalyzer>, opts: EngineOptions) -> Self {
        Scheduler {
            shared: Arc::new(worker::Shared::new(analyzer, &opts)),
        }
    }

    pub fn analyzer(&self) -> &LlmAnalyzer {
        self.shared.analyzer()
    }

    /// Analyse every job of the stream; see [`run`].
    pub async fn run<S, F>(&self, jobs: S, mut sink: F)
    where
        S: Stream<Item = Job>,
        F: FnMut(JobResult),
    {
        let shared = &self.shared;
        let opts = shared.opts();
        if shared.budget_limited() && shared.analyzer().price().is_none() {
            let model = shared.analyzer().client().model().to_string();
            shared.stop(StopReason::UnknownPrice(model));
            return;
        }
        let pending_cap = opts.max_concurrency.max(1) * 2;
        let mut jobs = std::pin::pin!(jobs);
        let mut set: JoinSet<Option<JobResult>> = JoinSet::new();
        let mut exhausted = false;
        loop {
            let pull = !exhausted && set.len() < pending_cap && !shared.halted();
            if !pull && set.is_empty() {
                break;
            }
            tokio::select! {
                biased;
                Some(joined) = set.join_next(), if !set.is_empty() => match joined {
                    Ok(Some(result)) => {
                        let ok = result.analysis.insight.is_some();
                        shared.count_result(ok);
                        sink(result);
                    }
                    Ok(None) => {}
                    // A call's task panicked: the panic goes on to the
                    // caller rather than the call silently going missing.
                    Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                    Err(_) => {}
                },
                next = jobs.next(), if pull => match next {
                    Some(job) => {
                        set.spawn(worker::process(job, Arc::clone(shared)));
                    }
                    None => exhausted = true,
                },
                _ = opts.shutdown.stopped(), if pull => {}
            }
        }
    }

    /// One report section's paragraphs, written by the LLM from `figures`
    /// under the same limits and budget as the calls; `Err` says why the
    /// section keeps its rule-based text.
    pub async fn narrative(&self, section: &str, figures: &Value) -> Result<Vec<String>, String> {
        narrative::write(&self.shared, section, figures).await
    }

    /// Ctrl-C handling of the run.
    pub fn shutdown(&self) -> &Shutdown {
        &self.shared.opts().shutdown
    }

    /// Stops the run: no new requests start.
    pub fn stop(&self, reason: StopReason) {
        self.shared.stop(reason);
    }

    /// What the run's requests did, narrative included.
    pub fn finish(&self) -> RunStats {
        self.shared.finish()
    }
}

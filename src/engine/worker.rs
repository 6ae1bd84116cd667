//! One call through the provider: admission (budget, then the rate
//! controller's pacing and concurrency), the request, and what to do with its outcome: accept, re-ask
//! once, back off and retry, fail the call, or stop the run.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::budget::{Budget, Grant};
use super::rate::{RateController, Ticket};
use super::{EngineOptions, Job, JobResult, RunStats, StopReason};
use crate::analyze::llm::{
    Conversation, ErrorClass, Exchange, LlmAnalyzer, LlmClient, LlmError, RequestLog, Usage,
};
use crate::analyze::{Analysis, Insight};
use crate::model::Call;
use serde_json::Value;

/// State shared by every call of a run.
pub(super) struct Shared {
    analyzer: Arc<LlmAnalyzer>,
    opts: EngineOptions,
    rate: RateController,
    budget: Budget,
    stats: Mutex<RunStats>,
    /// Some request got an HTTP answer: the provider can be reached.
    reached: AtomicBool,
}

impl Shared {
    pub(super) fn new(analyzer: Arc<LlmAnalyzer>, opts: &EngineOptions) -> Self {
        let cost_known = analyzer.price().is_some();
        Shared {
            rate: RateController::new(opts.rpm, opts.tpm, opts.max_concurrency),
            budget: Budget::new(opts.budget_usd, opts.folder_budget),
            stats: Mutex::new(RunStats {
                cost_usd: cost_known.then_some(0.0),
                ..RunStats::default()
            }),
            reached: AtomicBool::new(false),
            analyzer,
            opts: opts.clone(),
        }
    }

    pub(super) fn analyzer(&self) -> &LlmAnalyzer {
        &self.analyzer
    }

    pub(super) fn opts(&self) -> &EngineOptions {
        &self.opts
    }

    /// Some budget limits the run.
    pub(super) fn budget_limited(&self) -> bool {
        self.budget.limited()
    }

    fn stats(&self) -> MutexGuard<'_, RunStats> {
        self.stats.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// No new calls or requests may start.
    pub(super) fn halted(&self) -> bool {
        self.opts.shutdown.is_stopping()
    }

    pub(super) fn stop(&self, reason: StopReason) {
        let mut s = self.stats();
        if s.stopped.is_none() {
            s.stopped = Some(reason);
        }
        drop(s);
        self.opts.shutdown.stop();
    }

    pub(super) fn count_result(&self, ok: bool) {
        let mut s = self.stats();
        if ok {
            s.done += 1;
        } else {
            s.failed += 1;
        }
    }

    pub(super) fn finish(&self) -> RunStats {
        let mut stats = self.stats().clone();
        if stats.stopped.is_none() && self.opts.shutdown.is_stopping() {
            stats.stopped = Some(if self.opts.shutdown.is_aborted() {
                StopReason::Aborted
            } else {
                StopReason::Interrupted
            });
        }
        stats
    }

    fn on_rate_limited(&self, ticket: &Ticket, latency: Duration, retry_after: Option<Duration>) {
        self.stats().http_429 += 1;
        self.rate.on_rate_limited(ticket, latency, retry_after);
    }

    /// The expected tokens of a request: its prompt estimate corrected by
    /// what answers so far really used (earlier runs' and this one's), and
    /// the expected answer.
    fn expected(&self, estimate_in: u64) -> (u64, u64) {
        let mut known = self.opts.prior;
        known.merge(&self.stats().calibration);
        let configured = self.analyzer.expected_output_tokens();
        (known.input(estimate_in), known.output(configured))
    }

    /// Account a 2xx answer (billed whether usable or not); unknown usage
    /// is estimated. Returns its cost.
    fn on_answer(&self, estimate_in: u64, usage: &Usage) -> f64 {
        let (expected_in, expected_out) = self.expected(estimate_in);
        let tokens_in = usage.tokens_in.unwrap_or(expected_in);
        let tokens_out = usage.tokens_out.unwrap_or(expected_out);
        let cost = self.analyzer.cost(tokens_in, tokens_out);
        let mut s = self.stats();
        if let (Some(i), Some(o)) = (usage.tokens_in, usage.tokens_out) {
            s.calibration.record(estimate_in, i, o);
        }
        s.tokens_in += tokens_in;
        s.tokens_out += tokens_out;
        if let (Some(total), Some(c)) = (s.cost_usd.as_mut(), cost) {
            *total += c;
        }
        cost.unwrap_or(0.0)
    }
}

/// How a task ended.
pub(super) enum End<T> {
    Done(Box<T>),
    Failed {
        error: String,
        raw: Option<String>,
    },
    /// Not finished because the run stopped; not reported.
    Abandoned,
}

/// What one request is for: how its conversation is sent and how the
/// answer is judged. Every task goes through the same admission, retry
/// policy, budget and accounting.
pub(super) trait Task {
    type Output;
    /// Re-ask once, with the reason, after an invalid answer.
    const REASK: bool;
    fn body(&self, conv: &Conversation) -> Value;
    /// The answer, or why it is invalid.
    fn accept(&self, text: &str) -> Result<Self::Output, String>;
}

/// Analysing one call into an `Insight`.
struct CallTask<'a> {
    analyzer: &'a LlmAnalyzer,
    call: &'a Call,
}

impl Task for CallTask<'_> {
    type Output = Insight;
    const REASK: bool = true;

    fn body(&self, conv: &Conversation) -> Value {
        self.analyzer.client().body(conv)
    }

    fn accept(&self, text: &str) -> Result<Insight, String> {
        self.analyzer.accept(text, self.call)
    }
}

/// Per-task bookkeeping: the log and what was used.
pub(super) struct Ledger {
    log: Vec<RequestLog>,
    tokens_in: Option<u64>,
    tokens_out: Option<u64>,
    spent: f64,
    started: Option<Instant>,
}

impl Default for Ledger {
    fn default() -> Self {
        Ledger {
            log: Vec::new(),
            tokens_in: Some(0),
            tokens_out: Some(0),
            spent: 0.0,
            started: None,
        }
    }
}

impl Ledger {
    fn record(&mut self, client: &LlmClient, body: &serde_json::Value, ex: &Exchange) {
        self.started.get_or_insert_with(Instant::now);
        self.log.push(RequestLog {
            attempt: self.log.len() as u32 + 1,
            url: client.url().to_string(),
            request: client.redact_json(body),
            status: ex.status,
            response: ex.response_body.clone(),
            error: ex.result.as_ref().err().map(ToString::to_string),
            latency_ms: ex.latency.as_millis() as u64,
        });
    }

    /// Reported usage; unknown once any answer lacks it.
    fn add_usage(&mut self, usage: &Usage) {
        let sum = |acc: Option<u64>, v: Option<u64>| Some(acc? + v?);
        self.tokens_in = sum(self.tokens_in, usage.tokens_in);
        self.tokens_out = sum(self.tokens_out, usage.tokens_out);
    }
}

pub(super) async fn process(job: Job, shared: Arc<Shared>) -> Option<JobResult> {
    let Job { call, metrics } = job;
    let analyzer = Arc::clone(&shared.analyzer);
    let mut conv = analyzer.conversation(&call, &metrics);
    let mut ledger = Ledger::default();
    let task = CallTask {
        analyzer: &analyzer,
        call: &call,
    };
    let end = run_task(&task, &mut conv, &shared, &mut ledger).await;
    finish(&call, &analyzer, ledger, end)
}

/// One task under the run's budget: the context check, a reservation of
/// its expected cost (waiting while calls in flight may free room), the
/// requests, then what it really cost.
pub(super) async fn run_task<T: Task>(
    task: &T,
    conv: &mut Conversation,
    shared: &Shared,
    ledger: &mut Ledger,
) -> End<T::Output> {
    let analyzer = &shared.analyzer;
    let est_in = analyzer.estimate_input(conv);
    if let Err(e) = analyzer.check_context(est_in) {
        return End::Failed {
            error: e.to_string(),
            raw: None,
        };
    }
    let (expected_in, expected_out) = shared.expected(est_in);
    // Providers refuse a request larger than the per-minute token limit;
    // waiting for the pacer would only delay that.
    let needs = est_in + analyzer.expected_output_tokens();
    if let Some(tpm) = shared.opts.tpm.filter(|&t| needs > t) {
        return End::Failed {
            error: format!(
                "the call needs ~{needs} tokens, more than --tpm {tpm} allows in a minute"
            ),
            raw: None,
        };
    }
    let reserve = analyzer.cost(expected_in, expected_out).unwrap_or(0.0);
    if shared.halted() {
        return End::Abandoned;
    }
    let grant = tokio::select! {
        g = shared.budget.reserve(reserve) => g,
        _ = shared.opts.shutdown.stopped() => return End::Abandoned,
    };
    if grant == Grant::Exhausted {
        shared.stop(shared.budget.stop_reason());
        return End::Abandoned;
    }
    let end = drive(task, conv, shared, ledger, expected_in + expected_out).await;
    shared.budget.settle(reserve, ledger.spent);
    end
}

fn finish(
    call: &Call,
    analyzer: &LlmAnalyzer,
    ledger: Ledger,
    end: End<Insight>,
) -> Option<JobResult> {
    let mut provenance = analyzer.provenance();
    provenance.attempts = ledger.log.len() as u32;
    provenance.latency_ms = ledger.started.map(|s| s.elapsed().as_millis() as u64);
    let used = !ledger.log.is_empty();
    provenance.tokens_in = ledger.tokens_in.filter(|_| used);
    provenance.tokens_out = ledger.tokens_out.filter(|_| used);
    provenance.cost_usd = match (provenance.tokens_in, provenance.tokens_out) {
        (Some(i), Some(o)) => analyzer.cost(i, o),
        _ => None,
    };
    let (insight, raw_answer) = match end {
        End::Abandoned => return None,
        End::Done(insight) => (Some(*insight), None),
        End::Failed { error, raw } => {
            provenance.error = Some(error);
            (None, raw)
        }
    };
    Some(JobResult {
        call_id: call.id.clone(),
        analysis: Analysis {
            insight,
            provenance,
        },
        log: ledger.log,
        raw_answer,
    })
}

/// Send until the task is answered, failed, or the run stops.
async fn drive<T: Task>(
    task: &T,
    conv: &mut Conversation,
    shared: &Shared,
    ledger: &mut Ledger,
    units: u64,
) -> End<T::Output> {
    let analyzer = &shared.analyzer;
    let client = analyzer.client();
    let shutdown = &shared.opts.shutdown;
    let mut tries = Tries::default();
    loop {
        let ticket = tokio::select! {
            t = shared.rate.admit(units) => t,
            _ = shutdown.stopped() => return End::Abandoned,
        };
        if shared.halted() {
            return End::Abandoned;
        }
        let body = task.body(conv);
        // Counted as it leaves: a second Ctrl-C may drop it unanswered,
        // but the provider has it (and may bill it).
        shared.stats().requests += 1;
        let exchange = tokio::select! {
            ex = client.send(&body) => ex,
            _ = shutdown.aborted() => return End::Abandoned,
        };
        ledger.record(client, &body, &exchange);
        if exchange.status.is_some() {
            shared.reached.store(true, Ordering::Relaxed);
            shared
                .rate
                .on_limits(&exchange.limits, tokio::time::Instant::now());
        }
        if exchange.status.is_some_and(|s| (200..300).contains(&s)) {
            ledger.add_usage(&exchange.usage);
            ledger.spent += shared.on_answer(analyzer.estimate_input(conv), &exchange.usage);
        }
        let retry = match exchange.result {
            Ok(answer) => {
                shared.rate.on_answer(exchange.latency);
                drop(ticket);
                match task.accept(&answer.text) {
                    Ok(output) => return End::Done(Box::new(output)),
                    Err(msg) if T::REASK && !tries.reasked => {
                        tries.reasked = true;
                        analyzer.reask(conv, &answer.text, &msg);
                        None
                    }
                    Err(msg) => {
                        let after = if T::REASK { " after re-ask" } else { "" };
                        return End::Failed {
                            error: client.redact(&format!("invalid answer{after}: {msg}")),
                            raw: Some(client.redact(&answer.text)),
                        };
                    }
                }
            }
            Err(error) => match on_error(shared, ticket, exchange.latency, error, &mut tries) {
                Ok(wait) => wait,
                Err(end) => return end,
            },
        };
        shared.stats().retries += 1;
        if let Some(wait) = retry {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.stopped() => return End::Abandoned,
            }
        }
    }
}

/// Retries of a connection error while the provider has never answered in
/// this run; then the run stops.
const UNREACHABLE_RETRIES: u32 = 2;
/// Retries of an answer the provider blocked for its content.
const BLOCKED_RETRIES: u32 = 1;

/// What one task has used of each retry allowance. Every loop is bounded:
/// one re-ask of an invalid answer, `BLOCKED_RETRIES` after a block,
/// `EngineOptions::max_retries` transient errors and
/// `EngineOptions::max_rate_limit_retries` 429s.
#[derive(Debug, Default)]
struct Tries {
    reasked: bool,
    transient: u32,
    limited: u32,
    blocked: u32,
}

/// A connection error from a provider that has never answered in this run
/// (wrong host, no network): no call can succeed, so the run stops (resumable)
/// rather than fail every call after all its retries.
fn unreachable(shared: &Shared, error: &LlmError) -> bool {
    !shared.reached.load(Ordering::Relaxed) && matches!(error, LlmError::Connect { .. })
}

/// Decide what a failed request means: `Ok(wait)` to retry after an
/// optional back-off, `Err(end)` to end the call.
fn on_error<T>(
    shared: &Shared,
    ticket: Ticket,
    latency: Duration,
    error: LlmError,
    tries: &mut Tries,
) -> Result<Option<Duration>, End<T>> {
    let opts = &shared.opts;
    let fail = |error: &LlmError| End::Failed {
        error: error.to_string(),
        raw: match error {
            LlmError::BadAnswer { raw, .. } => Some(raw.clone()),
            _ => None,
        },
    };
    match error.class() {
        ErrorClass::RateLimit => {
            let retry_after = match &error {
                LlmError::RateLimited { retry_after } => *retry_after,
                _ => None,
            };
            shared.on_rate_limited(&ticket, latency, retry_after);
            tries.limited += 1;
            if tries.limited > opts.max_rate_limit_retries {
                return Err(fail(&error));
            }
            Ok(Some(
                retry_after.unwrap_or_else(|| opts.backoff.delay(tries.limited)),
            ))
        }
        ErrorClass::Transient => {
            tries.transient += 1;
            if unreachable(shared, &error) && tries.transient > UNREACHABLE_RETRIES {
                shared.stop(StopReason::Unusable(error.to_string()));
                return Err(End::Abandoned);
            }
            if tries.transient > opts.max_retries {
                return Err(fail(&error));
            }
            Ok(Some(opts.backoff.delay(tries.transient)))
        }
        ErrorClass::Blocked => {
            tries.blocked += 1;
            if tries.blocked > BLOCKED_RETRIES {
                return Err(fail(&error));
            }
            Ok(None)
        }
        ErrorClass::FatalRun => {
            shared.stop(match &error {
                LlmError::DailyQuota { message } => StopReason::DailyQuota(message.clone()),
                LlmError::InsufficientQuota { message } => {
                    StopReason::InsufficientQuota(message.clone())
                }
                other => StopReason::Unusable(other.to_string()),
            });
            Err(End::Abandoned)
        }
        ErrorClass::FatalCall => Err(fail(&error)),
    }
}

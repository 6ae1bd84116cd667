//! `--dry-run`: calls, estimated tokens and cost, and the calls that exceed
//! the context budget; nothing is sent.

use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};

use super::Job;
use crate::analyze::llm::LlmAnalyzer;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Calls that would be sent.
    pub calls: u64,
    /// Calls left out because the store already has them.
    pub cached: u64,
    /// `--rpm`, the rate the time estimate assumes (none without it).
    pub rpm: Option<u32>,
    /// Calls that would be flagged for exceeding the context budget.
    pub over_context: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// `None` when the model's price is unknown.
    pub cost_usd: Option<f64>,
}

pub async fn estimate<S: Stream<Item = Job>>(jobs: S, analyzer: &LlmAnalyzer) -> Estimate {
    let mut est = Estimate::default();
    let mut jobs = std::pin::pin!(jobs);
    while let Some(job) = jobs.next().await {
        let conv = analyzer.conversation(&job.call, &job.metrics);
        let tokens_in = analyzer.estimate_input(&conv);
        est.calls += 1;
        if analyzer.check_context(tokens_in).is_err() {
            est.over_context += 1;
            continue;
        }
        est.tokens_in += tokens_in;
        est.tokens_out += analyzer.expected_output_tokens();
    }
    est.cost_usd = analyzer.cost(est.tokens_in, est.tokens_out);
    est
}

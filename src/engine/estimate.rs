//! `--dry-run`: calls, estimated tokens and cost, and the calls that exceed
//! the context budget; nothing is sent. The token estimates are corrected
//! by the usage earlier runs stored (`Calibration`).

use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};

use super::{Calibration, Job};
use crate::analyze::llm::LlmAnalyzer;

/// The request rate the time estimate assumes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pace {
    /// `--rpm`.
    Rpm(u32),
    /// Requests per minute of the latest earlier run of this analyzer.
    LastRun(f64),
}

impl Pace {
    pub fn requests_per_minute(&self) -> f64 {
        match *self {
            Pace::Rpm(rpm) => f64::from(rpm),
            Pace::LastRun(rate) => rate,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Calls that would be sent.
    pub calls: u64,
    /// Calls left out because the store already has them.
    pub cached: u64,
    /// The rate the time estimate assumes (none when nothing tells it).
    pub pace: Option<Pace>,
    /// Calls that would be flagged for exceeding the context budget.
    pub over_context: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// `None` when the model's price is unknown.
    pub cost_usd: Option<f64>,
    /// The earlier answers that corrected the token estimates.
    pub calibration: Calibration,
}

pub async fn estimate<S: Stream<Item = Job>>(
    jobs: S,
    analyzer: &LlmAnalyzer,
    calibration: &Calibration,
) -> Estimate {
    let mut est = Estimate {
        calibration: *calibration,
        ..Estimate::default()
    };
    let expected_out = calibration.output(analyzer.expected_output_tokens());
    let mut jobs = std::pin::pin!(jobs);
    while let Some(job) = jobs.next().await {
        let conv = analyzer.conversation(&job.call, &job.metrics);
        let tokens_in = analyzer.estimate_input(&conv);
        est.calls += 1;
        if analyzer.check_context(tokens_in).is_err() {
            est.over_context += 1;
            continue;
        }
        est.tokens_in += calibration.input(tokens_in);
        est.tokens_out += expected_out;
    }
    est.cost_usd = analyzer.cost(est.tokens_in, est.tokens_out);
    est
}

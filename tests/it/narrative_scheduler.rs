//! The report narrative goes through the run's one scheduler: the engine's
//! retry policy, its budget, and its account of requests, tokens and cost
//! (`run.json` counts every request the mock received).

use std::time::Duration;

use callscope::engine::{Backoff, EngineOptions, Scheduler, StopReason};
use serde_json::json;

use crate::support::cli::{demo_calls, llm_command, run_json, runtime, stderr};
use crate::support::fixtures;
use crate::support::mock_provider::{Dialect, MockConfig, MockProvider};

fn figures() -> serde_json::Value {
    json!({"calls": 120, "conversion_rate": 0.25})
}

fn quick(budget_usd: Option<f64>) -> EngineOptions {
    EngineOptions {
        budget_usd,
        backoff: Backoff {
            base: Duration::from_millis(2),
            max: Duration::from_millis(20),
        },
        ..EngineOptions::default()
    }
}

#[tokio::test]
async fn a_rate_limited_narrative_is_retried_and_accounted_by_the_engine() {
    let mock = MockProvider::start(MockConfig {
        rate_limit_bursts: Some((2, 1)),
        narrative: Some(vec!["Of 120 calls, 25% converted.".into()]),
        ..MockConfig::default()
    })
    .await;
    let kind = callscope::analyze::llm::ProviderKind::OpenAi;
    let analyzer = fixtures::analyzer(&mock, kind, Duration::from_secs(5));
    let scheduler = Scheduler::new(analyzer, quick(None));
    let paragraphs = scheduler
        .narrative("Executive summary", &figures())
        .await
        .expect("answered after the 429");
    assert_eq!(paragraphs, vec!["Of 120 calls, 25% converted."]);
    let stats = scheduler.finish();
    assert_eq!(mock.log().len(), 2, "one 429, then the answer");
    assert_eq!((stats.requests, stats.retries, stats.http_429), (2, 1, 1));
    assert!(stats.tokens_in > 0 && stats.tokens_out > 0, "{stats:?}");
}

#[tokio::test]
async fn a_narrative_over_the_budget_is_not_sent_and_stops_the_run() {
    let mock = MockProvider::start(MockConfig {
        narrative: Some(vec!["Of 120 calls, 25% converted.".into()]),
        ..MockConfig::default()
    })
    .await;
    let kind = callscope::analyze::llm::ProviderKind::OpenAi;
    let analyzer = fixtures::analyzer(&mock, kind, Duration::from_secs(5));
    let scheduler = Scheduler::new(analyzer, quick(Some(1e-9)));
    let answer = scheduler.narrative("Executive summary", &figures()).await;
    assert!(answer.is_err(), "the rules keep the section");
    assert!(mock.log().is_empty(), "nothing was sent");
    let stats = scheduler.finish();
    assert_eq!(stats.requests, 0);
    assert!(
        matches!(stats.stopped, Some(StopReason::Budget(_))),
        "{stats:?}"
    );
}

#[test]
fn run_json_counts_the_narrative_requests_too() {
    let rt = runtime();
    let mock = rt.block_on(MockProvider::start(MockConfig {
        api_key: Some(crate::support::cli::KEY.into()),
        narrative: Some(vec![
            "Conversion needs attention; see the table below.".into(),
        ]),
        ..MockConfig::default()
    }));
    let dir = tempfile::tempdir().expect("tempdir");
    let input = demo_calls(dir.path(), 10, 3);
    let out = dir.path().join("out");
    let output = llm_command(&input, "openai", &mock.base_url(Dialect::OpenAi), &out)
        .output()
        .expect("run analyze");
    assert!(output.status.success(), "{}", stderr(&output));
    let log = mock.log();
    let narrative = log.iter().filter(|l| l.call_id.is_none()).count();
    assert!(narrative > 0, "the report narrative was requested");
    let run = run_json(&out);
    assert_eq!(run["requests"], log.len(), "calls and narrative: {run}");
    assert_eq!(run["calls_analyzed"], 10);
    let report = std::fs::read_to_string(out.join("report.md")).expect("report");
    assert!(report.contains("Conversion needs attention"));
}

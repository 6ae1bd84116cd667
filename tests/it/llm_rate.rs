//! Finding and holding the provider's limit, through the binary against the
//! mock: without `--rpm` the engine probes up, settles under the server's
//! limit and keeps 429s few; with rate-limit headers it paces by them; a
//! call answered 429 forever gives up after the documented bound.

use std::time::Duration;

use crate::support::cli::{KEY, run_json, runtime, stderr};
use crate::support::llm_cli::{analyze, analyze_output, call_requests};
use crate::support::mock_provider::{Dialect, Fault, MockConfig, MockProvider};

/// 1,200 requests per minute (20 per second), no burst, quick answers.
fn limited(headers: bool) -> MockConfig {
    MockConfig {
        api_key: Some(KEY.into()),
        rpm: Some(1_200.0),
        latency_median: Duration::from_millis(20),
        latency_sigma: 0.3,
        ratelimit_headers: headers,
        ..MockConfig::default()
    }
}

fn share_429(run: &serde_json::Value) -> f64 {
    run["http_429"].as_f64().unwrap() / run["requests"].as_f64().unwrap()
}

#[test]
fn without_rpm_the_limit_is_found_and_429s_stay_few() {
    let rt = runtime();
    let mock = rt.block_on(MockProvider::start(limited(false)));
    let dir = tempfile::tempdir().unwrap();
    let run = analyze(&mock, Dialect::Gemini, dir.path(), "", &["--limit", "200"]);
    assert_eq!(run["calls_analyzed"], 200, "{run}");
    assert!(
        run["http_429"].as_u64().unwrap() > 0,
        "the limit was probed: {run}"
    );
    assert!(share_429(&run) < 0.10, "429s stay few: {run}");
}

#[test]
fn rate_limit_headers_on_every_answer_set_the_pace() {
    let rt = runtime();
    let mock = rt.block_on(MockProvider::start(limited(true)));
    let dir = tempfile::tempdir().unwrap();
    let run = analyze(&mock, Dialect::OpenAi, dir.path(), "", &["--limit", "150"]);
    assert_eq!(run["calls_analyzed"], 150, "{run}");
    assert!(share_429(&run) < 0.05, "paced by the headers: {run}");
}

#[test]
fn a_call_answered_429_forever_fails_after_the_bound() {
    let rt = runtime();
    let mock = rt.block_on(MockProvider::start(MockConfig {
        api_key: Some(KEY.into()),
        per_call_faults: vec![Fault::RateLimit; 64],
        ..MockConfig::default()
    }));
    let dir = tempfile::tempdir().unwrap();
    // Its only call failed: the run says why and exits 1.
    let output = analyze_output(&mock, Dialect::OpenAi, dir.path(), "", &["--limit", "1"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("rate limited (HTTP 429)"));
    let run = run_json(&dir.path().join("out"));
    assert_eq!(run["calls_failed"], 1, "{run}");
    let sent = call_requests(&mock).len();
    assert_eq!(sent, 11, "one request and 10 retries");
}

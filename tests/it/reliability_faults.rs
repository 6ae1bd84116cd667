//! 3,000 calls through the binary against a flaky, rate-limited mock: 5 %
//! 5xx, 3 % hangs past the client timeout, 3 % malformed JSON, 429 bursts
//! and some calls the provider always answers malformed. Every call ends
//! analysed or failed with its reason, none is answered twice, and a re-run
//! sends only the failed ones.

use std::collections::BTreeSet;

use crate::support::cli::{failed_ids, insights, llm_command, run_json, runtime, stderr};
use crate::support::mock_provider::{Dialect, MockConfig, MockProvider};

const CALLS: usize = 3000;

/// Every 250th call is answered malformed, every time.
fn poisoned(id: &str) -> bool {
    id.trim_start_matches(|c: char| !c.is_ascii_digit())
        .parse::<u64>()
        .is_ok_and(|n| n % 250 == 0)
}

#[test]
fn flaky_provider_every_call_ends_analysed_or_failed_and_rerun_fixes_the_rest() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let input = crate::support::cli::demo_calls(dir.path(), CALLS as u32, 3);
    let out = dir.path().join("out");
    let flaky = rt.block_on(MockProvider::start(MockConfig {
        rate_limit_bursts: Some((400, 25)),
        keep_bodies: false,
        server_error_rate: 0.05,
        hang_rate: 0.03,
        malformed_rate: 0.03,
        poisoned: Some(poisoned),
        ..MockConfig::default()
    }));
    let first = llm_command(&input, "gemini", &flaky.base_url(Dialect::Gemini), &out)
        .args(["--timeout-s", "1", "--max-concurrency", "32", "--quiet"])
        .output()
        .unwrap();
    assert!(first.status.success(), "{}", stderr(&first));

    let run = run_json(&out);
    assert_eq!(run["calls_total"], CALLS, "{run}");
    assert_eq!(run["calls_pending"], 0, "{run}");
    assert!(run["http_429"].as_u64().unwrap() > 0, "429 bursts: {run}");
    let lines = insights(&out);
    assert_eq!(lines.len(), CALLS);
    let failed = failed_ids(&lines);
    let expected_poisoned: BTreeSet<String> = lines
        .iter()
        .filter_map(|l| l["id"].as_str())
        .filter(|id| poisoned(id))
        .map(String::from)
        .collect();
    assert_eq!(expected_poisoned.len(), CALLS / 250);
    assert!(
        expected_poisoned.is_subset(&failed),
        "calls always answered malformed fail: {failed:?}"
    );
    assert_eq!(run["calls_failed"], failed.len(), "{run}");
    assert_eq!(run["calls_analyzed"], CALLS - failed.len(), "{run}");

    let answers = flaky.answers_per_call();
    let twice: Vec<_> = answers.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "calls answered twice: {twice:?}");
    assert_eq!(answers.len(), CALLS - failed.len());
    assert!(failed.iter().all(|id| !answers.contains_key(id)));
    assert!(flaky.count_status(503) > 0 && flaky.count_status(429) > 0);

    let healthy = rt.block_on(MockProvider::start(MockConfig {
        keep_bodies: false,
        ..MockConfig::default()
    }));
    let second = llm_command(&input, "gemini", &healthy.base_url(Dialect::Gemini), &out)
        .args(["--timeout-s", "5", "--quiet"])
        .output()
        .unwrap();
    assert!(second.status.success(), "{}", stderr(&second));
    let sent: BTreeSet<String> = healthy
        .log()
        .into_iter()
        .filter_map(|l| l.call_id)
        .collect();
    assert_eq!(sent, failed, "the re-run sends only the failed calls");
    let run = run_json(&out);
    assert_eq!(run["calls_cached"], CALLS - failed.len(), "{run}");
    assert_eq!(run["calls_analyzed"], failed.len(), "{run}");
    assert_eq!(run["calls_failed"], 0, "{run}");
    assert!(failed_ids(&insights(&out)).is_empty(), "all analysed now");
}

//! Money, through the binary against the mock: a budget stop spends at
//! least 95 % of the budget and never more, and `--dry-run` needs no key
//! and prints a readable estimate.

use std::time::Duration;

use crate::support::cli::{KEY, callscope, example, run_json, runtime};
use crate::support::llm_cli::analyze_output;
use crate::support::mock_provider::{Dialect, MockConfig, MockProvider};

#[test]
fn a_budget_stop_spends_at_least_95_percent_of_the_budget() {
    let rt = runtime();
    let mock = rt.block_on(MockProvider::start(MockConfig {
        api_key: Some(KEY.into()),
        latency_median: Duration::from_millis(30),
        ..MockConfig::default()
    }));
    let dir = tempfile::tempdir().unwrap();
    let budget = 0.05;
    let output = analyze_output(
        &mock,
        Dialect::Gemini,
        dir.path(),
        "",
        &["--budget-usd", &budget.to_string()],
    );
    assert_eq!(output.status.code(), Some(3), "a budget stop is resumable");
    let run = run_json(&dir.path().join("out"));
    let spent = run["cost_usd"].as_f64().unwrap();
    assert!(spent <= budget, "never over: {run}");
    assert!(spent >= 0.95 * budget, "spends what it may: {run}");
    assert!(run["calls_pending"].as_u64().unwrap() > 0, "{run}");
}

#[test]
fn dry_run_needs_no_key_and_reads_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let output = callscope()
        .env_remove("GEMINI_API_KEY")
        .arg("analyze")
        .arg(example())
        .args([
            "--provider",
            "gemini",
            "--dry-run",
            "--limit",
            "40",
            "--rpm",
            "600",
        ])
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("nothing was sent"), "{stdout}");
    assert!(stdout.contains("calls to send   40 (0 cached"), "{stdout}");
    assert!(
        stdout.contains("time            about 4 s at --rpm 600"),
        "{stdout}"
    );
    let tokens_in = stdout
        .lines()
        .find(|l| l.contains("tokens in"))
        .unwrap()
        .to_string();
    assert!(tokens_in.contains(','), "thousands separated: {tokens_in}");
    assert!(!dir.path().join("out").exists(), "a dry run writes nothing");
}

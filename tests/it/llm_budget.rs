//! Money, through the binary against the mock: a budget stop spends at
//! least 95 % of the budget and never more, for one run and for the output
//! folder across resumed runs (`[llm] budget_total_usd`); `--dry-run` needs
//! no key and prints a readable estimate, corrected by the usage a real run
//! stored.

use std::time::Duration;

use crate::support::cli::{KEY, callscope, example, run_json, runtime};
use crate::support::llm_cli::{analyze_output, keyed_mock};
use crate::support::mock_provider::{Dialect, MockConfig, MockProvider};

/// A keyed mock that answers in about 30 ms, so budget runs stay short.
fn quick_mock(rt: &tokio::runtime::Runtime) -> MockProvider {
    rt.block_on(MockProvider::start(MockConfig {
        api_key: Some(KEY.into()),
        latency_median: Duration::from_millis(30),
        ..MockConfig::default()
    }))
}

#[test]
fn a_budget_stop_spends_at_least_95_percent_of_the_budget() {
    let rt = runtime();
    let mock = quick_mock(&rt);
    let dir = tempfile::tempdir().unwrap();
    let budget = 0.05;
    let output = analyze_output(
        &mock,
        Dialect::Gemini,
        dir.path(),
        "",
        &["--budget-usd", &budget.to_string()],
    );
    assert_eq!(
        output.status.code(),
        Some(3),
        "a budget stop is resumable: {}",
        String::from_utf8_lossy(&output.stderr)
    );
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

fn cost(out: &std::path::Path) -> f64 {
    run_json(out)["cost_usd"].as_f64().unwrap()
}

#[test]
fn the_folder_budget_holds_across_resumed_runs() {
    let rt = runtime();
    let mock = quick_mock(&rt);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let total = 0.05;
    let config = format!("[llm]\nbudget_total_usd = {total}\n");
    let run = |extra: &[&str]| analyze_output(&mock, Dialect::Gemini, dir.path(), &config, extra);
    let first = run(&["--budget-usd", "0.02"]);
    assert_eq!(
        first.status.code(),
        Some(3),
        "the run's own budget stops it"
    );
    let spent_first = cost(&out);
    assert!(spent_first <= 0.02, "{spent_first}");
    let second = run(&[]);
    assert_eq!(
        second.status.code(),
        Some(3),
        "the folder's budget stops it"
    );
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("the output folder's budget of $0.05"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let spent = spent_first + cost(&out);
    assert!(spent <= total, "never over across runs: {spent}");
    assert!(spent >= 0.95 * total, "spends what it may: {spent}");
    let sent = mock.log().len();
    let third = run(&[]);
    assert_eq!(third.status.code(), Some(3));
    assert_eq!(mock.log().len(), sent, "an exhausted folder sends nothing");
}

/// The figure after `label` in the dry run's output, e.g. `tokens out`.
fn per_call(stdout: &str, label: &str) -> u64 {
    let line = stdout.lines().find(|l| l.contains(label)).unwrap();
    let inside = line.split('(').nth(1).unwrap();
    inside
        .split(' ')
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap()
}

#[test]
fn a_real_run_corrects_the_next_estimate_from_its_stored_usage() {
    let rt = runtime();
    let mock = keyed_mock(&rt);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let dry = |limit: &str| {
        let output = analyze_output(
            &mock,
            Dialect::Gemini,
            dir.path(),
            "",
            &["--dry-run", "--limit", limit],
        );
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let before = dry("20");
    assert_eq!(
        per_call(&before, "tokens out"),
        900,
        "the configured answer size"
    );
    assert!(
        before.contains("no earlier answers in this folder"),
        "{before}"
    );
    let real = analyze_output(&mock, Dialect::Gemini, dir.path(), "", &["--limit", "10"]);
    assert!(real.status.success());
    let summary = String::from_utf8_lossy(&real.stdout);
    assert!(
        summary.contains("estimate vs actual: prompts used x"),
        "{summary}"
    );
    let c = &run_json(&out)["calibration"];
    let (answers, estimated_in, reported_in, reported_out) = (
        c["answers"].as_u64().unwrap(),
        c["estimated_in"].as_f64().unwrap(),
        c["reported_in"].as_f64().unwrap(),
        c["reported_out"].as_u64().unwrap(),
    );
    let after = dry("20");
    assert!(after.contains("calls to send   10 (10 cached"), "{after}");
    assert!(
        after.contains(&format!(
            "corrected by {answers} earlier answers: prompts x{:.2}",
            reported_in / estimated_in
        )),
        "{after}"
    );
    assert_eq!(
        per_call(&after, "tokens out"),
        reported_out.div_ceil(answers),
        "the mean reported answer replaces the configured size"
    );
    assert!(after.contains("the pace of the last run"), "{after}");
}

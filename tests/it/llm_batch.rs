//! `analyze --batch` through the binary against the mock's batch APIs
//! (Gemini Batch Mode, OpenAI Files + Batches): submit then collect,
//! `--wait`, a crash after submit, expired and cancelled batches, failed
//! and malformed results lines. Every call ends stored or failed with its
//! reason, and none is paid for twice.

use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::cli::{demo_calls, llm_command, run_json, runtime, stderr, stored_ok};
use crate::support::llm_cli::provider_name;
use crate::support::mock_provider::{BatchFate, Dialect, LineFate, MockConfig, MockProvider};

const CALLS: u32 = 20;
const BOTH: [Dialect; 2] = [Dialect::Gemini, Dialect::OpenAi];

fn batch_run(
    input: &Path,
    mock: &MockProvider,
    dialect: Dialect,
    out: &Path,
    extra: &[&str],
) -> Output {
    llm_command(input, provider_name(dialect), &mock.base_url(dialect), out)
        .args(["--batch", "--batch-poll-s", "0.01", "--quiet"])
        .args(extra)
        .output()
        .unwrap()
}

fn ok_run(
    input: &Path,
    mock: &MockProvider,
    dialect: Dialect,
    out: &Path,
    extra: &[&str],
) -> Value {
    let output = batch_run(input, mock, dialect, out, extra);
    assert!(output.status.success(), "{dialect:?}: {}", stderr(&output));
    run_json(out)
}

/// Every call answered at most once by the provider: none paid twice.
fn assert_paid_once(mock: &MockProvider) {
    for (call, answers) in mock.answers_per_call() {
        assert_eq!(answers, 1, "call {call} was answered {answers} times");
    }
}

fn failure_reasons(db: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT call_id, provenance_json FROM analyses WHERE ok = 0 ORDER BY call_id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|r| {
            let (id, p) = r.unwrap();
            let p: Value = serde_json::from_str(&p).unwrap();
            (id, p["error"].as_str().unwrap_or_default().to_string())
        })
        .collect()
}

#[test]
fn submit_returns_and_a_later_run_collects_at_half_price() {
    let rt = runtime();
    for dialect in BOTH {
        let dir = tempfile::tempdir().unwrap();
        let input = demo_calls(dir.path(), CALLS, 3);
        let out = dir.path().join("out");
        // The batch has ended by the first poll, which the second run makes.
        let mock = rt.block_on(MockProvider::start(MockConfig {
            batch_polls: 0,
            ..MockConfig::default()
        }));

        let submitted = ok_run(&input, &mock, dialect, &out, &[]);
        assert_eq!(submitted["batch"]["calls_submitted"], CALLS, "{dialect:?}");
        assert_eq!(submitted["calls_pending"], CALLS);
        assert_eq!(submitted["batch"]["calls_waiting"], CALLS);
        assert!(stored_ok(&out.join("callscope.db")).is_empty());
        assert_eq!(mock.batches_created(), (1, CALLS as usize));

        let collected = ok_run(&input, &mock, dialect, &out, &[]);
        assert_eq!(
            collected["calls_analyzed"], CALLS,
            "{dialect:?}: {collected}"
        );
        assert_eq!(collected["calls_pending"], 0);
        assert_eq!(collected["batch"]["calls_submitted"], 0);
        assert_eq!(stored_ok(&out.join("callscope.db")).len(), CALLS as usize);
        assert_eq!(mock.batches_created().0, 1, "nothing was submitted again");
        let batch = &collected["batch"];
        let (cost, streaming) = (
            batch["cost_usd"].as_f64().unwrap(),
            batch["streaming_cost_usd"].as_f64().unwrap(),
        );
        assert!(
            cost > 0.0 && (cost * 2.0 - streaming).abs() < 1e-9,
            "{batch}"
        );
        assert_eq!(collected["cost_usd"].as_f64().unwrap(), cost);

        let again = ok_run(&input, &mock, dialect, &out, &[]);
        assert_eq!(again["calls_cached"], CALLS);
        assert_eq!(mock.batches_created().0, 1);
        assert_paid_once(&mock);
    }
}

#[test]
fn wait_polls_until_the_batch_ends_and_stores_every_answer() {
    let rt = runtime();
    for dialect in BOTH {
        let dir = tempfile::tempdir().unwrap();
        let input = demo_calls(dir.path(), CALLS, 4);
        let out = dir.path().join("out");
        let mock = rt.block_on(MockProvider::start(MockConfig {
            batch_polls: 4,
            ..MockConfig::default()
        }));
        let run = ok_run(&input, &mock, dialect, &out, &["--wait"]);
        assert_eq!(run["calls_analyzed"], CALLS, "{dialect:?}: {run}");
        assert_eq!(run["batch"]["calls_waiting"], 0);
        assert!(run["batch"]["http_requests"].as_u64().unwrap() >= 5);
        assert_eq!(stored_ok(&out.join("callscope.db")).len(), CALLS as usize);
        assert_paid_once(&mock);
    }
}

#[test]
fn a_crash_after_submit_loses_nothing_and_the_rerun_does_not_resubmit() {
    let rt = runtime();
    for dialect in BOTH {
        let dir = tempfile::tempdir().unwrap();
        let input = demo_calls(dir.path(), CALLS, 5);
        let out = dir.path().join("out");
        let hold = Arc::new(AtomicBool::new(true));
        let mock = rt.block_on(MockProvider::start(MockConfig {
            batch_hold: Some(Arc::clone(&hold)),
            ..MockConfig::default()
        }));
        let mut child = llm_command(
            &input,
            provider_name(dialect),
            &mock.base_url(dialect),
            &out,
        )
        .args(["--batch", "--wait", "--batch-poll-s", "0.01", "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while mock.batches_created().0 == 0 {
            assert!(Instant::now() < deadline, "no batch was submitted");
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(100));
        child.kill().unwrap(); // SIGKILL while polling
        child.wait().unwrap();
        hold.store(false, Ordering::SeqCst);

        let run = ok_run(&input, &mock, dialect, &out, &[]);
        assert_eq!(run["calls_analyzed"], CALLS, "{dialect:?}: {run}");
        assert_eq!(run["batch"]["calls_submitted"], 0);
        assert_eq!(mock.batches_created(), (1, CALLS as usize));
        assert_paid_once(&mock);
    }
}

#[test]
fn expired_and_cancelled_batches_keep_what_completed_and_resubmit_the_rest() {
    let rt = runtime();
    let fates: [fn(usize) -> BatchFate; 2] = [
        |i| {
            if i == 0 {
                BatchFate::Expire
            } else {
                BatchFate::Succeed
            }
        },
        |i| {
            if i == 0 {
                BatchFate::Cancel
            } else {
                BatchFate::Succeed
            }
        },
    ];
    for dialect in BOTH {
        for fate in fates {
            let dir = tempfile::tempdir().unwrap();
            let input = demo_calls(dir.path(), CALLS, 6);
            let out = dir.path().join("out");
            let mock = rt.block_on(MockProvider::start(MockConfig {
                batch_fate: Some(fate),
                ..MockConfig::default()
            }));
            let run = ok_run(&input, &mock, dialect, &out, &["--wait"]);
            assert_eq!(run["calls_analyzed"], CALLS, "{dialect:?}: {run}");
            let half = CALLS as usize / 2;
            assert_eq!(run["batch"]["calls_resubmitted"], half);
            assert_eq!(mock.batches_created(), (2, CALLS as usize + half));
            assert_eq!(stored_ok(&out.join("callscope.db")).len(), CALLS as usize);
            assert_paid_once(&mock);
        }
    }
}

/// Calls whose id ends in 3 get a malformed line, in 7 an error line.
fn faulty_lines(id: &str) -> LineFate {
    match id.chars().last() {
        Some('3') => LineFate::Malformed,
        Some('7') => LineFate::Error,
        _ => LineFate::Answer,
    }
}

#[test]
fn failed_and_malformed_lines_fail_their_calls_with_reasons_and_a_rerun_finishes() {
    let rt = runtime();
    for dialect in BOTH {
        let dir = tempfile::tempdir().unwrap();
        let input = demo_calls(dir.path(), CALLS, 7);
        let out = dir.path().join("out");
        let db = out.join("callscope.db");
        let faulty = rt.block_on(MockProvider::start(MockConfig {
            batch_line: Some(faulty_lines),
            ..MockConfig::default()
        }));
        let run = ok_run(&input, &faulty, dialect, &out, &["--wait"]);
        let failed = failure_reasons(&db);
        assert!(!failed.is_empty(), "{dialect:?}: {run}");
        assert_eq!(run["calls_failed"], failed.len());
        assert_eq!(
            run["calls_analyzed"].as_u64().unwrap() as usize + failed.len(),
            CALLS as usize
        );
        for (id, reason) in &failed {
            assert!(
                id.ends_with('3') || id.ends_with('7'),
                "{id} failed: {reason}"
            );
            assert!(!reason.is_empty(), "{id} failed without a reason");
        }

        let fixed = rt.block_on(MockProvider::start(MockConfig::default()));
        let rerun = ok_run(&input, &fixed, dialect, &out, &["--wait"]);
        assert_eq!(
            rerun["calls_analyzed"],
            failed.len(),
            "{dialect:?}: {rerun}"
        );
        assert_eq!(
            rerun["calls_cached"].as_u64().unwrap() as usize,
            CALLS as usize - failed.len()
        );
        assert_eq!(
            fixed.batches_created(),
            (1, failed.len()),
            "only the failed calls were sent again"
        );
        assert_eq!(stored_ok(&db).len(), CALLS as usize);
    }
}

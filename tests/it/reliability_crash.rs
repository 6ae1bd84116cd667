//! Killing the binary mid-run. SIGKILL at seeded random points loses at
//! most the requests in flight and never corrupts the database; SIGINT lets
//! the requests in flight finish, stores them, exits with the documented
//! code 3, and the next run resumes from what was stored.

#![allow(unsafe_code)] // kill(2) sends the SIGINT

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::cli::{
    demo_calls, integrity, llm_command, run_json, runtime, stderr, stored_ok,
};
use crate::support::mock_provider::{Dialect, MockConfig, MockProvider};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Requests in flight at most (`--max-concurrency`).
const CONCURRENCY: usize = 4;

fn slow_mock() -> MockConfig {
    MockConfig {
        latency_median: Duration::from_millis(120),
        latency_sigma: 0.3,
        ..MockConfig::default()
    }
}

fn answered(mock: &MockProvider) -> usize {
    mock.answers_per_call().values().sum()
}

/// Waits until the mock has answered `count` requests in all.
fn wait_for_answers(mock: &MockProvider, child: &mut Child, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while answered(mock) < count {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before {count} answers"
        );
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn start(input: &std::path::Path, mock: &MockProvider, out: &std::path::Path) -> Child {
    llm_command(input, "openai", &mock.base_url(Dialect::OpenAi), out)
        .args(["--max-concurrency", &CONCURRENCY.to_string(), "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn sigkill_at_random_points_loses_only_requests_in_flight() {
    const CALLS: usize = 240;
    const KILLS: usize = 4;
    let rt = runtime();
    let mock = rt.block_on(MockProvider::start(slow_mock()));
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), CALLS as u32, 11);
    let out = dir.path().join("out");
    let db = out.join("callscope.db");
    let mut rng = ChaCha8Rng::seed_from_u64(20261128);
    for kill in 0..KILLS {
        let mut child = start(&input, &mock, &out);
        let target = answered(&mock) + rng.gen_range(10..40);
        wait_for_answers(&mock, &mut child, target);
        std::thread::sleep(Duration::from_millis(rng.gen_range(0..150)));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(status.code().is_none(), "kill {kill}: killed by a signal");
        assert_eq!(integrity(&db), "ok", "after kill {kill}");
    }
    let last = llm_command(&input, "openai", &mock.base_url(Dialect::OpenAi), &out)
        .args(["--max-concurrency", &CONCURRENCY.to_string(), "--quiet"])
        .output()
        .unwrap();
    assert!(last.status.success(), "{}", stderr(&last));
    let run = run_json(&out);
    assert_eq!(
        run["calls_analyzed"].as_u64().unwrap() + run["calls_cached"].as_u64().unwrap(),
        CALLS as u64,
        "{run}"
    );
    assert_eq!(stored_ok(&db).len(), CALLS);
    let answers = mock.answers_per_call();
    assert_eq!(answers.len(), CALLS, "every call answered");
    let repeated: Vec<_> = answers.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        repeated.len() <= CONCURRENCY * KILLS && repeated.iter().all(|(_, n)| **n == 2),
        "only calls in flight at a kill are asked again: {repeated:?}"
    );
    assert_eq!(integrity(&db), "ok");
}

#[test]
fn sigint_finishes_requests_in_flight_stores_them_and_the_next_run_resumes() {
    const CALLS: usize = 120;
    let rt = runtime();
    let mock = rt.block_on(MockProvider::start(slow_mock()));
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), CALLS as u32, 12);
    let out = dir.path().join("out");
    let db = out.join("callscope.db");
    let mut child = start(&input, &mock, &out);
    wait_for_answers(&mock, &mut child, 20);
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: signalling our own child process, still running (not reaped).
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let first = child.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(3), "{}", stderr(&first));
    assert!(stderr(&first).contains("interrupted"), "{}", stderr(&first));
    let run = run_json(&out);
    assert_eq!(run["stopped"]["reason"], "interrupted", "{run}");
    let stored = stored_ok(&db);
    let answered_ids: std::collections::BTreeSet<String> =
        mock.answers_per_call().into_keys().collect();
    assert_eq!(
        stored, answered_ids,
        "every answer received, including those in flight at Ctrl-C, is stored"
    );
    assert!(stored.len() < CALLS, "the run stopped early");
    assert_eq!(run["calls_analyzed"], stored.len(), "{run}");
    assert_eq!(run["calls_failed"], 0, "{run}");
    assert_eq!(integrity(&db), "ok");

    let second = llm_command(&input, "openai", &mock.base_url(Dialect::OpenAi), &out)
        .args(["--max-concurrency", "16", "--quiet"])
        .output()
        .unwrap();
    assert!(second.status.success(), "{}", stderr(&second));
    let run = run_json(&out);
    assert_eq!(run["calls_cached"], stored.len(), "{run}");
    assert_eq!(run["calls_analyzed"], CALLS - stored.len(), "{run}");
    assert!(
        mock.answers_per_call().values().all(|&n| n == 1),
        "nothing asked twice"
    );
}

/// A second Ctrl-C drops the requests in flight unanswered; `run.json`
/// still counts every request sent (#12.12). The mock never answers, so
/// every request the run sent is one the mock received.
#[test]
fn double_sigint_counts_the_requests_in_flight_it_dropped() {
    let rt = runtime();
    let mock = rt.block_on(MockProvider::start(MockConfig {
        hang_rate: 1.0,
        ..MockConfig::default()
    }));
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 40, 13);
    let out = dir.path().join("out");
    let mut child = start(&input, &mock, &out);
    let deadline = Instant::now() + Duration::from_secs(120);
    while mock.requests_received() < 2 {
        assert!(child.try_wait().unwrap().is_none(), "the run ended early");
        assert!(Instant::now() < deadline, "no request reached the mock");
        std::thread::sleep(Duration::from_millis(10));
    }
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    for _ in 0..2 {
        // SAFETY: signalling our own child process, still running (not reaped).
        assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
        std::thread::sleep(Duration::from_millis(200));
    }
    let ended = child.wait_with_output().unwrap();
    assert_eq!(ended.status.code(), Some(3), "{}", stderr(&ended));
    let run = run_json(&out);
    assert_eq!(run["stopped"]["reason"], "aborted", "{run}");
    let sent = run["requests"].as_u64().unwrap();
    let received = mock.requests_received() as u64;
    assert!(
        received >= 2 && sent >= received && sent <= received + CONCURRENCY as u64,
        "requests in run.json {sent}, received by the mock {received}"
    );
    assert_eq!(run["calls_analyzed"], 0, "{run}");
}

/// A SIGKILL cannot be handled (SIGINT, SIGTERM and SIGHUP are, see
/// `hostile_signals`): a kill of an offline run loses at
/// most the last uncommitted batch (a quarter second of free, deterministic
/// work), which the next run recomputes; the database stays sound.
#[test]
fn killed_offline_run_keeps_a_sound_database_and_resumes() {
    const CALLS: usize = 150;
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), CALLS as u32, 13);
    let out = dir.path().join("out");
    let db = out.join("callscope.db");
    let mut child = crate::support::cli::callscope()
        .arg("analyze")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while crate::support::cli::count_ok(&db).unwrap_or(0) < 20 {
        assert!(child.try_wait().unwrap().is_none(), "ended before the kill");
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(integrity(&db), "ok");
    let kept = stored_ok(&db).len();
    let rerun = crate::support::cli::offline(&input, &out, &["--quiet"]);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    let run = run_json(&out);
    assert_eq!(run["calls_cached"], kept, "{run}");
    assert_eq!(run["calls_analyzed"], CALLS - kept, "{run}");
}

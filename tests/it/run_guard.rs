//! How a run ends when it cannot do its job, through the binary: an input
//! that cannot be opened records nothing, `report` needs a completed run,
//! a run in which every call fails says why and exits non-zero, a call
//! over the context budget fails unsent under one counted reason, pacing
//! flags that could never send are refused, a closed stdout ends the
//! process quietly, and an output folder is written by one run at a time,
//! file by file atomically, never through a planted symlink.

use std::process::{Command, Stdio};

use crate::support::cli::{
    callscope, demo_calls, failed_ids, insights, llm_command, offline, run_json, runtime, stderr,
};
use crate::support::mock_provider::{Dialect, Fault, MockConfig, MockProvider};

#[test]
fn an_input_that_cannot_be_opened_records_no_run_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = offline(&dir.path().join("nope.csv"), &out, &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(stderr(&run).contains("nope.csv"), "{}", stderr(&run));
    assert!(!out.exists(), "no output folder, no database");
    let report = callscope()
        .args(["report", "--db"])
        .arg(out.join("callscope.db"))
        .output()
        .unwrap();
    assert_eq!(report.status.code(), Some(1), "{}", stderr(&report));
}

#[test]
fn a_failed_run_after_a_good_one_leaves_its_report_alone() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 6, 51);
    let out = dir.path().join("out");
    assert!(offline(&input, &out, &[]).status.success());
    let good = std::fs::read_to_string(out.join("report.md")).unwrap();
    let typo = offline(&dir.path().join("calls.cvs"), &out, &[]);
    assert_eq!(typo.status.code(), Some(1));
    let report = callscope()
        .args(["report", "--db"])
        .arg(out.join("callscope.db"))
        .output()
        .unwrap();
    assert!(report.status.success(), "{}", stderr(&report));
    let again = std::fs::read_to_string(out.join("report.md")).unwrap();
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("Generated"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&good), strip(&again));
    assert_eq!(insights(&out).len(), 6);
}

#[test]
fn a_database_without_a_completed_run_is_an_error_for_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("callscope.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE TABLE runs (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, analyzer TEXT NOT NULL, input TEXT NOT NULL, config_json TEXT NOT NULL, stats_json TEXT);
             INSERT INTO runs (started_at, analyzer, input, config_json) VALUES ('now', 'h', 'x.csv', '{}');",
        )
        .unwrap();
    let report = callscope()
        .args(["report", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(report.status.code(), Some(1));
    assert!(
        stderr(&report).contains("no completed run in this database"),
        "{}",
        stderr(&report)
    );
}

#[test]
fn a_run_in_which_every_call_fails_exits_non_zero_and_names_the_reasons() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 4, 52);
    let mock = rt.block_on(MockProvider::start(MockConfig {
        per_call_faults: vec![Fault::Malformed, Fault::Malformed, Fault::Malformed],
        ..MockConfig::default()
    }));
    let out = dir.path().join("out");
    let run = llm_command(&input, "ollama", &mock.base_url(Dialect::Ollama), &out)
        .args(["--timeout-s", "5"])
        .output()
        .unwrap();
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert_eq!(failed_ids(&insights(&out)).len(), 4);
    assert!(
        err.contains("error: every call failed (4 of 4); the most common reasons:"),
        "{err}"
    );
    assert!(
        err.contains("  4 calls: invalid answer after re-ask"),
        "{err}"
    );
    assert!(err.contains("callscope inspect CALL_ID --db"), "{err}");
    assert_eq!(run_json(&out)["calls_failed"], 4);
}

/// A call too long for the context budget fails without being sent, with
/// one reason for every such call, counted in the run summary (#12.21).
#[test]
fn a_call_over_the_context_budget_fails_unsent_and_is_counted_in_the_summary() {
    let rt = runtime();
    let mock = rt.block_on(MockProvider::start(MockConfig::default()));
    let dir = tempfile::tempdir().unwrap();
    let turn = "Agent: let me read you every clause of the contract once more.\n";
    let huge = turn.repeat(4_000);
    let mut csv = String::from("call_id,agent,duration,transcript\n");
    for i in 0..3 {
        csv += &format!("short{i},ann,120,\"Agent: hello.\nCustomer: no thanks, I am busy.\"\n");
    }
    for i in 0..2 {
        csv += &format!("huge{i},ann,3600,\"{huge}\"\n");
    }
    let input = dir.path().join("calls.csv");
    std::fs::write(&input, csv).unwrap();
    let config = dir.path().join("callscope.toml");
    std::fs::write(&config, "[llm]\ncontext_budget_tokens = 32000\n").unwrap();
    let out = dir.path().join("out");
    let run = llm_command(&input, "ollama", &mock.base_url(Dialect::Ollama), &out)
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains(
            "failed calls, the most common reasons:\n  2 calls: over the context budget: prompt and expected answer exceed [llm] context_budget_tokens = 32000; not sent"
        ),
        "{stdout}"
    );
    let json = run_json(&out);
    assert_eq!(
        (&json["calls_analyzed"], &json["calls_failed"]),
        (&3.into(), &2.into()),
        "{json}"
    );
    assert_eq!(failed_ids(&insights(&out)).len(), 2);
    assert!(
        mock.log()
            .iter()
            .all(|l| !l.call_id.as_deref().unwrap_or("").starts_with("huge")),
        "a call over the budget is never sent"
    );
}

#[test]
fn pacing_flags_that_could_never_send_are_refused_up_front() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 2, 53);
    let mock = rt.block_on(MockProvider::start(MockConfig::default()));
    let base = mock.base_url(Dialect::Ollama);
    for (flags, message) in [
        (["--rpm", "0"], "--rpm 0 would never send a request"),
        (["--tpm", "0"], "--tpm 0 is below the smallest request"),
        (["--tpm", "1"], "--tpm 1 is below the smallest request"),
    ] {
        let run = llm_command(&input, "ollama", &base, &dir.path().join("out"))
            .args(flags)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(1), "{flags:?}");
        assert!(
            stderr(&run).contains(message),
            "{flags:?}: {}",
            stderr(&run)
        );
    }
    assert!(mock.log().is_empty(), "nothing was sent");
}

#[test]
fn a_call_larger_than_tpm_fails_at_once_with_its_size() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    // ~110,000 tokens as sent: within the 128,000 context, over the 100,000 --tpm.
    let long = "Agent: tell me more about the plan please. ".repeat(8_500);
    let input = dir.path().join("calls.csv");
    std::fs::write(
        &input,
        format!(
            "call_id,agent,transcript\nshort,ann,Agent: hi. Customer: hello.\nlong,bob,{long}\n"
        ),
    )
    .unwrap();
    let mock = rt.block_on(MockProvider::start(MockConfig::default()));
    let out = dir.path().join("out");
    let run = llm_command(&input, "openai", &mock.base_url(Dialect::OpenAi), &out)
        .args(["--tpm", "100000"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let lines = insights(&out);
    assert_eq!(failed_ids(&lines).into_iter().collect::<Vec<_>>(), ["long"]);
    let reason = lines[1]["analysis"]["provenance"]["error"]
        .as_str()
        .unwrap();
    assert!(
        reason.contains("more than --tpm 100000 allows in a minute"),
        "{reason}"
    );
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 5, 54);
    let out = dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_callscope"))
        .arg("analyze")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let done = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&done.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(done.status.code(), Some(101), "{err}");
    assert_eq!(insights(&out).len(), 5, "outputs written before printing");
}

#[test]
fn a_second_run_on_the_same_output_folder_is_refused_while_the_first_writes() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 8, 55);
    let mock = rt.block_on(MockProvider::start(MockConfig {
        latency_median: std::time::Duration::from_millis(400),
        ..MockConfig::default()
    }));
    let out = dir.path().join("out");
    let first = llm_command(&input, "ollama", &mock.base_url(Dialect::Ollama), &out)
        .args(["--max-concurrency", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while mock.log().is_empty() {
        assert!(started.elapsed().as_secs() < 60, "the first run never sent");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let second = offline(&input, &out, &[]);
    assert_eq!(second.status.code(), Some(1));
    assert!(
        stderr(&second).contains("another callscope run is writing to"),
        "{}",
        stderr(&second)
    );
    let first = first.wait_with_output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let lines = insights(&out);
    assert_eq!(lines.len(), 8, "only the first run's calls, each once");
    assert!(failed_ids(&lines).is_empty());
}

#[cfg(unix)]
#[test]
fn a_symlink_planted_at_an_output_path_is_replaced_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 3, 56);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    for name in ["report.md", "insights.jsonl", "run.json"] {
        std::os::unix::fs::symlink(&victim, out.join(name)).unwrap();
    }
    let run = offline(&input, &out, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    for name in ["report.md", "insights.jsonl", "run.json"] {
        let meta = std::fs::symlink_metadata(out.join(name)).unwrap();
        assert!(meta.is_file(), "{name} is a regular file now");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

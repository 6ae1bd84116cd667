//! Progress that tells the truth, through the binary with stderr captured
//! (not a terminal, so plain lines): the total counted before the run,
//! cached calls counted, money spent for an LLM; and the final summary,
//! whose time covers the whole run and which names every file written,
//! ending with the report to open.

use std::path::Path;
use std::process::Output;

use crate::support::cli::{example, offline, runtime, stderr};
use crate::support::llm_cli::{analyze_output, keyed_mock};
use crate::support::mock_provider::Dialect;

fn progress_lines(output: &Output) -> Vec<String> {
    stderr(output)
        .lines()
        .filter_map(|l| l.strip_prefix("progress: "))
        .map(str::to_string)
        .collect()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The summary names every file written and ends with the report to open.
fn assert_summary_names_every_file(output: &Output, out: &Path) {
    let text = stdout(output);
    let last = text.lines().last().unwrap_or_default();
    let report = out.join("report.html");
    assert_eq!(
        last,
        format!("open the report: {}", report.display()),
        "{text}"
    );
    for name in ["callscope.db", "run.json", "insights.csv", "report.md"] {
        let line = format!("wrote {}", out.join(name).display());
        assert!(text.contains(&line), "{line} in {text}");
    }
    for line in text.lines().filter_map(|l| l.strip_prefix("wrote ")) {
        assert!(Path::new(line).is_file(), "{line} exists");
    }
    assert!(text.contains("s in all, report included"), "{text}");
}

#[test]
fn offline_runs_show_the_total_up_front_and_count_cached_calls() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let first = offline(&example(), &out, &["--limit", "30"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let lines = progress_lines(&first);
    assert_eq!(
        lines.first().map(String::as_str),
        Some("0/30 calls, 0 cached, 0 failed"),
        "the total is known before the first call: {lines:?}"
    );
    let last = lines.last().unwrap();
    assert!(
        last.starts_with("30/30 calls, 0 cached, 0 failed, ")
            && last.contains("calls/s")
            && last.ends_with("; writing the report and exports"),
        "{last}"
    );
    assert!(
        !last.contains('$'),
        "the offline analyzer costs nothing: {last}"
    );
    assert_summary_names_every_file(&first, &out);

    let again = offline(&example(), &out, &["--limit", "30"]);
    let last = progress_lines(&again).pop().unwrap();
    assert!(
        last.starts_with("30/30 calls, 30 cached, 0 failed;"),
        "cached calls count as done: {last}"
    );
    let quiet = offline(&example(), &out, &["--limit", "30", "--quiet"]);
    assert!(progress_lines(&quiet).is_empty(), "--quiet shows none");
}

#[test]
fn llm_runs_show_the_money_spent_and_to_finish() {
    let rt = runtime();
    let mock = keyed_mock(&rt);
    let dir = tempfile::tempdir().unwrap();
    let output = analyze_output(&mock, Dialect::Gemini, dir.path(), "", &["--limit", "12"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lines = progress_lines(&output);
    assert_eq!(lines[0], "0/12 calls, 0 cached, 0 failed, $0.0000 spent");
    let last = lines.last().unwrap();
    assert!(
        last.starts_with("12/12 calls, 0 cached, 0 failed, ")
            && last.contains(" spent, ~$0.0000 to finish;"),
        "{last}"
    );
    assert_summary_names_every_file(&output, &dir.path().join("out"));
}

//! End to end through the binary: analyze, re-run from the cache, changed
//! calls, report re-rendering, inspect, init, bad rows and exports.

use std::path::Path;

use assert_cmd::prelude::*;
use serde_json::Value;

use crate::support::cli::{analyze, callscope, example, first_call_id, inspect, run_json};

#[test]
fn analyzes_the_example_and_writes_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = analyze(&example(), &out, &[]);
    assert_eq!(run["calls_total"], 200);
    assert_eq!(run["calls_analyzed"], 200);
    assert_eq!(run["calls_cached"], 0);
    assert_eq!(run["calls_failed"], 0);
    assert!(run["wall_s"].as_f64().unwrap() > 0.0);
    for file in [
        "callscope.db",
        "insights.jsonl",
        "insights.csv",
        "report.md",
        "report.html",
    ] {
        let len = std::fs::metadata(out.join(file))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(len > 0, "{file} missing or empty");
    }
    let jsonl = std::fs::read_to_string(out.join("insights.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count(), 200);
    let csv = std::fs::read_to_string(out.join("insights.csv")).unwrap();
    assert_eq!(csv.lines().count(), 201, "header + one row per call");
}

#[test]
fn rerun_does_no_work_for_unchanged_calls_and_redoes_changed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let input = dir.path().join("calls.csv");
    std::fs::copy(example(), &input).unwrap();
    analyze(&input, &out, &[]);

    let again = analyze(&input, &out, &[]);
    assert_eq!(again["calls_total"], 200);
    assert_eq!(again["calls_cached"], 200);
    assert_eq!(again["calls_analyzed"], 0);

    // Change one call's disposition: only that call is analysed again.
    let text = std::fs::read_to_string(&input).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let disp = headers
        .iter()
        .position(|h| h == "disposition")
        .expect("disposition column");
    let mut wtr = csv::Writer::from_path(&input).unwrap();
    wtr.write_record(&headers).unwrap();
    for (i, rec) in rdr.records().enumerate() {
        let mut rec: Vec<String> = rec.unwrap().iter().map(String::from).collect();
        if i == 5 {
            rec[disp] = format!("{}-changed", rec[disp]);
        }
        wtr.write_record(&rec).unwrap();
    }
    wtr.flush().unwrap();
    let third = analyze(&input, &out, &[]);
    assert_eq!(third["calls_cached"], 199);
    assert_eq!(third["calls_analyzed"], 1);
}

#[test]
fn limit_stops_after_n_calls() {
    let dir = tempfile::tempdir().unwrap();
    let run = analyze(&example(), &dir.path().join("out"), &["--limit", "25"]);
    assert_eq!(run["calls_total"], 25);
    assert_eq!(run["calls_analyzed"], 25);
}

#[test]
fn report_rerenders_from_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze(&example(), &out, &[]);
    let again = dir.path().join("again");
    callscope()
        .args(["report", "--db"])
        .arg(out.join("callscope.db"))
        .arg("--out")
        .arg(&again)
        .assert()
        .success();
    let first = std::fs::read_to_string(out.join("report.md")).unwrap();
    let second = std::fs::read_to_string(again.join("report.md")).unwrap();
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("Generated"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&first), strip(&second));
}

#[test]
fn inspect_shows_a_calls_metrics_and_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze(&example(), &out, &[]);
    let id = first_call_id(&out);
    let output = inspect(&out.join("callscope.db"), &id);
    assert!(output.status.success());
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["call_id"], id);
    assert!(doc["versions"][0]["analyses"][0]["metrics"].is_object());
    assert!(
        !inspect(&out.join("callscope.db"), "no-such-call")
            .status
            .success()
    );
}

#[test]
fn init_writes_a_config_that_analyze_accepts_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("callscope.toml");
    callscope()
        .arg("init")
        .arg("--out")
        .arg(&cfg)
        .assert()
        .success();
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(
        text.lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
            > 20
    );
    callscope()
        .arg("init")
        .arg("--out")
        .arg(&cfg)
        .assert()
        .failure();
    let run = analyze(
        &example(),
        &dir.path().join("out"),
        &["--config", cfg.to_str().unwrap(), "--limit", "10"],
    );
    assert_eq!(run["calls_analyzed"], 10);
}

#[test]
fn bad_rows_are_warnings_and_good_rows_are_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.csv");
    std::fs::write(
        &input,
        "call_id,agent,duration,disposition,transcript\n\
         c1,Ann,65,SALE,Agent: hello there. Customer: hi\n\
         c2,Bob,not-a-number,NI,Agent: hello. Customer: not interested\n\
         c1,Ann,70,SALE,Agent: duplicate id\n\
         c3,=HYPERLINK(\"http://x\"),-5,NI,Agent: hi\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = callscope()
        .arg("analyze")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.csv"),
        "warning names the file: {stderr}"
    );
    assert!(
        stderr.contains("duration"),
        "warning names the column: {stderr}"
    );
    assert!(
        stderr.to_lowercase().contains("duplicate"),
        "duplicate reported: {stderr}"
    );
    let run = run_json(&out);
    assert_eq!(
        run["calls_total"], 3,
        "c1, c2, c3; the duplicate c1 is not merged in"
    );
    let csv = std::fs::read_to_string(out.join("insights.csv")).unwrap();
    assert!(
        csv.contains("'=HYPERLINK"),
        "formula neutralised in the CSV export"
    );
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let dur = headers.iter().position(|h| h == "duration_s").unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(
        &rows[1][dur], "",
        "an unparseable duration is unknown, not 0"
    );
}

#[test]
fn missing_input_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = callscope()
        .arg("analyze")
        .arg(dir.path().join("nope.csv"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("nope.csv"), "{stderr}");
}

#[test]
fn the_jsonl_export_reads_back_as_input_with_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    analyze(&example(), &first, &[]);
    let second = dir.path().join("second");
    let run = analyze(&first.join("insights.jsonl"), &second, &[]);
    assert_eq!(run["calls_total"], 200);
    assert_eq!(run["warnings"], 0);
    let line = |out: &Path| {
        let md = std::fs::read_to_string(out.join("report.md")).unwrap();
        md.lines()
            .find(|l| l.starts_with("Conversion:"))
            .map(String::from)
    };
    assert_eq!(
        line(&first),
        line(&second),
        "same calls, same transcripts, same figures"
    );
    let csv = |out: &Path| std::fs::read_to_string(out.join("insights.csv")).unwrap();
    assert_eq!(
        csv(&first),
        csv(&second),
        "every per-call figure survives the round trip"
    );
}

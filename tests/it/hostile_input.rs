//! Hostile and broken input, end to end through the binary: every fixture
//! gives its exact error (file, row, column, reason) or row warning, the good
//! rows are analysed (`run.json`, `insights.jsonl`), and nothing panics.
//! Small fixtures live in `tests/fixtures/hostile/`; the big ones (a 20 MB
//! cell, 10,000 columns) and the workbooks are generated into a temp dir.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::cli;

/// What one `callscope analyze` run left behind.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    _out: tempfile::TempDir,
    out: PathBuf,
}

impl Run {
    fn run_json(&self) -> Value {
        cli::run_json(&self.out)
    }

    /// The analysed calls, in input order, from `insights.jsonl`.
    fn insights(&self) -> Vec<Value> {
        cli::insights(&self.out)
    }

    fn ids(&self) -> Vec<String> {
        self.insights()
            .iter()
            .map(|c| c["id"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    fn call(&self, id: &str) -> Value {
        self.insights()
            .into_iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("call {id} not analysed"))
    }

    /// The `warning:` lines on stderr.
    fn warnings(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .collect()
    }

    /// Exit 0 with these counts in `run.json`.
    fn assert_counts(&self, analysed: u64, skipped: u64, warnings: u64) {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        let run = self.run_json();
        assert_eq!(run["calls_total"], analysed, "{run}");
        assert_eq!(run["calls_analyzed"], analysed, "{run}");
        assert_eq!(run["calls_failed"], 0, "{run}");
        assert_eq!(run["rows_skipped"], skipped, "{run}");
        assert_eq!(run["warnings"], warnings, "{run}");
    }

    /// Exit 1 with exactly this error and no output folder content.
    fn assert_error(&self, message: &str) {
        assert_eq!(self.code, 1, "stdout: {}", self.stdout);
        assert_eq!(self.stderr.trim_end(), format!("error: {message}"));
        assert!(!self.out.join("run.json").exists());
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

/// Runs `callscope analyze FILE --out TMP` from `dir`, so messages name
/// `FILE` as given; asserts that nothing panicked.
fn analyze_in(dir: &Path, file: &str, extra: &[&str]) -> Run {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let out = out_dir.path().join("out");
    let output = cli::callscope()
        .current_dir(dir)
        .arg("analyze")
        .arg(file)
        .arg("--out")
        .arg(&out)
        .arg("--jsonl-transcripts") // the tests read transcripts back
        .args(extra)
        .output()
        .expect("runs");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        _out: out_dir,
        out,
    };
    assert!(
        !run.stderr.contains("panicked") && !run.stdout.contains("panicked"),
        "{file} panicked: {}",
        run.stderr
    );
    run
}

fn analyze(file: &str) -> Run {
    analyze_in(&fixtures(), file, &[])
}

#[test]
fn truncated_csv_skips_the_cut_row_and_analyses_the_rest() {
    let run = analyze("truncated.csv");
    run.assert_counts(2, 1, 1);
    assert_eq!(
        run.warnings(),
        [
            "warning: truncated.csv:4: the file ends in the middle of this row (3 of 4 cells; truncated export?); row skipped"
        ]
    );
    assert_eq!(run.ids(), ["t1", "t2"]);
}

#[test]
fn unbalanced_quote_names_the_cell_and_the_rows_before_are_analysed() {
    let run = analyze("unbalanced_quotes.csv");
    run.assert_counts(1, 1, 1);
    assert_eq!(
        run.warnings(),
        [
            "warning: unbalanced_quotes.csv:3: transcript: a quote opened in this cell is never closed, so the cell runs to the end of the file (3 more lines); row skipped"
        ]
    );
    assert_eq!(run.ids(), ["q1"]);
}

#[test]
fn wrong_delimiter_is_an_error_with_a_hint() {
    analyze("wrong_delimiter.csv").assert_error(
        "wrong_delimiter.csv: required column `call_id` or `id` or `callid` or `call_uuid` or `uniqueid` or `lead_id` or `conversation_id` not found; columns found: call_id|agent|duration|transcript (a single column: is the file delimited by something other than a comma, semicolon or tab?)",
    );
}

#[test]
fn header_only_and_empty_files_are_errors() {
    analyze("header_only.csv").assert_error(
        "header_only.csv: no data rows under the header (columns: call_id, agent, duration, transcript)",
    );
    analyze("empty.csv").assert_error("empty.csv: no header row (empty file)");
}

#[test]
fn binary_files_are_refused_saying_what_they_look_like() {
    analyze("binary.csv").assert_error(
        "binary.csv: not a delimited text file: it is a zip archive (an .xlsx workbook with another extension? name it .xlsx)",
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let noise: Vec<u8> = (0u32..4096).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(dir.path().join("noise.csv"), noise).expect("write");
    analyze_in(dir.path(), "noise.csv", &[]).assert_error(
        "noise.csv: not a delimited text file: it holds binary data (a NUL byte at offset 0)",
    );
}

#[test]
fn utf16_with_and_without_bom_is_decoded() {
    for file in ["utf16.csv", "utf16_no_bom.csv"] {
        let run = analyze(file);
        run.assert_counts(2, 0, 0);
        assert_eq!(run.call("u1")["agent"], "Zoë", "{file}");
        assert_eq!(run.call("u2")["agent"], "Łukasz", "{file}");
    }
}

#[test]
fn windows_1252_is_decoded_with_one_warning() {
    let run = analyze("cp1252.csv");
    run.assert_counts(2, 0, 1);
    assert_eq!(
        run.warnings(),
        [
            "warning: cp1252.csv:2: agent: not valid UTF-8; decoded as Windows-1252 (and so is every later such cell)"
        ]
    );
    assert_eq!(run.call("c1")["agent"], "José");
    assert_eq!(run.call("c2")["agent"], "Zoë");
}

#[test]
fn invalid_utf8_mid_file_warns_at_its_row_and_every_row_is_analysed() {
    let run = analyze("invalid_utf8_mid.csv");
    run.assert_counts(7, 0, 1);
    assert_eq!(
        run.warnings(),
        [
            "warning: invalid_utf8_mid.csv:7: transcript: not valid UTF-8; decoded as Windows-1252 (and so is every later such cell)"
        ]
    );
    assert_eq!(run.ids(), ["m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
}

#[test]
fn missing_required_column_names_it_and_lists_the_columns_found() {
    analyze("missing_column.csv").assert_error(
        "missing_column.csv: required column `call_id` or `id` or `callid` or `call_uuid` or `uniqueid` or `lead_id` or `conversation_id` not found; columns found: agent, duration, transcript",
    );
}

#[test]
fn duplicate_call_ids_keep_the_first_row() {
    let run = analyze("duplicate_ids.csv");
    run.assert_counts(2, 1, 1);
    assert_eq!(
        run.warnings(),
        ["warning: duplicate_ids.csv:4: duplicate call id `d1` (first seen at row 2); row skipped"]
    );
    assert_eq!(run.call("d1")["agent"], "ann");
}

#[test]
fn empty_dash_and_nan_transcripts_are_analysed_with_unknown_metrics() {
    let run = analyze("empty_transcripts.csv");
    run.assert_counts(5, 0, 0);
    for id in ["e1", "e2", "e3", "e4"] {
        let call = run.call(id);
        assert_eq!(
            call["metrics"]["turns"],
            Value::Null,
            "{id}: unknown, not 0"
        );
        assert_eq!(
            call["metrics"]["agent_talk_share_words"],
            Value::Null,
            "{id}"
        );
    }
    assert_eq!(run.call("e5")["metrics"]["turns"], 2);
}

#[test]
fn negative_and_non_numeric_durations_warn_and_become_unknown() {
    let run = analyze("bad_durations.csv");
    run.assert_counts(4, 0, 3);
    assert_eq!(
        run.warnings(),
        [
            "warning: bad_durations.csv:2: duration: negative duration `-30`; treated as unknown",
            "warning: bad_durations.csv:3: duration: cannot parse duration `abc` (expected seconds, mm:ss or hh:mm:ss); treated as unknown",
            "warning: bad_durations.csv:4: duration: cannot parse duration `1:75` (expected seconds, mm:ss or hh:mm:ss); treated as unknown",
        ]
    );
    for id in ["n1", "n2", "n3"] {
        assert_eq!(run.call(id)["duration_s"], Value::Null, "{id}");
    }
    assert_eq!(run.call("n4")["duration_s"], 125.0);
}

#[test]
fn dates_in_the_future_warn_and_are_kept() {
    let run = analyze("future_dates.csv");
    run.assert_counts(2, 0, 1);
    assert_eq!(
        run.warnings(),
        [
            "warning: future_dates.csv:2: started_at: date `2099-01-01 10:00` is in the future; kept as given"
        ]
    );
    assert_eq!(run.call("f1")["started_at"], "2099-01-01T10:00:00");
    assert_eq!(run.call("f2")["started_at"], "2025-06-01T09:00:00");
}

#[test]
fn speaker_labels_that_never_say_who_is_the_agent_get_roles_from_what_is_said() {
    // Names, not roles: the caller's words ("is this Bob?", "I am calling
    // about your website") decide who the agent is; the side metrics follow.
    let run = analyze("unknown_speakers.csv");
    run.assert_counts(2, 0, 0);
    let s1 = run.call("s1");
    assert_eq!(s1["metrics"]["turns"], 3, "turns are still found");
    assert_eq!(s1["metrics"]["roles_known"], true);
    assert_eq!(s1["metrics"]["agent_turns"], 2, "Alice is the caller");
    assert_eq!(s1["metrics"]["customer_turns"], 1);
    assert!(s1["metrics"]["agent_talk_share_words"].is_number());
    assert_eq!(run.call("s2")["metrics"]["turns"], 2);
}

#[test]
fn jsonl_bad_lines_are_skipped_with_their_line_number() {
    let run = analyze("bad_line.jsonl");
    run.assert_counts(3, 1, 2);
    assert_eq!(
        run.warnings(),
        [
            "warning: bad_line.jsonl:2: not a call record: key must be a string at line 1 column 27",
            "warning: bad_line.jsonl:3: duration_s: cannot parse duration `forty` (expected seconds, mm:ss or hh:mm:ss); treated as unknown",
        ]
    );
    assert_eq!(run.ids(), ["j1", "j3", "j4"]);
}

#[test]
fn jsonl_follows_the_csv_rules_for_raw_transcripts_durations_dates_and_attributes() {
    let run = analyze_text(
        "calls.jsonl",
        concat!(
            r#"{"id":"r1","duration_s":-50,"legs":[{"name":"call","transcript":{"raw":"Agent: hi there\nCustomer: no thanks"}}]}"#,
            "\n",
            r#"{"id":"r2","started_at":"yesterday","duration_s":95,"attributes":{"age":42,"vip":true}}"#,
            "\n",
            r#"{"id":"r3","started_at":"12/16/2025 8:32","legs":[{"name":"call","duration_s":"1:30","transcript":{"raw":"Agent: hello"}}]}"#,
            "\n",
        ),
    );
    run.assert_counts(3, 0, 2);
    assert_eq!(
        run.warnings(),
        [
            "warning: calls.jsonl:1: duration_s: negative duration `-50`; treated as unknown",
            "warning: calls.jsonl:2: started_at: cannot parse date `yesterday` (expected ISO 8601 or mm/dd/yyyy [hh:mm[:ss]]); treated as unknown",
        ]
    );
    let r1 = run.call("r1");
    assert_eq!(r1["duration_s"], Value::Null);
    assert_eq!(
        r1["metrics"]["length_class"], "unknown",
        "never classed short"
    );
    assert_eq!(r1["metrics"]["turns"], 2, "the raw transcript is parsed");
    let r2 = run.call("r2");
    assert_eq!(r2["started_at"], Value::Null);
    assert_eq!(r2["duration_s"], 95.0);
    assert_eq!(r2["attributes"]["age"], "42");
    let r3 = run.call("r3");
    assert_eq!(r3["started_at"], "2025-12-16T08:32:00");
    assert_eq!(r3["duration_s"], 90.0, "the leg's duration");
}

#[test]
fn a_20_mb_transcript_cell_is_analysed_with_the_other_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line = "Customer: this is a long line of talk about prices and plans.\n";
    let big = line.repeat(20 * 1024 * 1024 / line.len() + 1);
    let text = format!("call_id,agent,transcript\nbig,ann,\"{big}\"\nsmall,bob,Agent: hi\n");
    std::fs::write(dir.path().join("big.csv"), text).expect("write");
    let run = analyze_in(dir.path(), "big.csv", &[]);
    run.assert_counts(2, 0, 0);
    assert_eq!(run.ids(), ["big", "small"]);
    assert!(run.call("big")["metrics"]["turns"].as_u64() > Some(300_000));
}

#[test]
fn ten_thousand_columns_pass_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    let extra = |row: &'static str| (4..=10_000).map(move |i| format!("{row}{i}"));
    let header: Vec<String> = ["call_id", "agent", "transcript"]
        .map(String::from)
        .into_iter()
        .chain(extra("col_"))
        .collect();
    let mut text = header.join(",") + "\n";
    for id in ["w1", "w2"] {
        let row: Vec<String> = [id, "ann", "Agent: hi"]
            .map(String::from)
            .into_iter()
            .chain(extra("v"))
            .collect();
        text += &(row.join(",") + "\n");
    }
    std::fs::write(dir.path().join("wide.csv"), &text).expect("write");
    let run = analyze_in(dir.path(), "wide.csv", &[]);
    run.assert_counts(2, 0, 0);
    assert_eq!(run.ids(), ["w1", "w2"]);

    // Without a call id among 10,000 columns the error stays readable.
    let no_id = text.replacen("call_id", "ref", 1);
    std::fs::write(dir.path().join("wide_no_id.csv"), no_id).expect("write");
    let err = analyze_in(dir.path(), "wide_no_id.csv", &[]);
    assert_eq!(err.code, 1);
    assert!(
        err.stderr
            .contains("columns found: ref, agent, transcript, col_4,")
            && err.stderr.contains("col_30, ... and 9970 more"),
        "{}",
        err.stderr
    );
    assert!(err.stderr.len() < 1_000, "{} bytes", err.stderr.len());
}

/// A workbook whose first sheet is a summary and whose second holds the
/// calls, with the team written once per block in a merged cell.
fn write_workbook(path: &Path) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let summary = book.add_worksheet().set_name("Summary")?;
    summary.write_row(0, 0, ["Totals", "Count"])?;
    summary.write_row(1, 0, ["calls", "4"])?;
    let calls = book.add_worksheet().set_name("Calls")?;
    calls.write_row(0, 0, ["Call ID", "Agent", "Team", "Duration", "Transcript"])?;
    let rows = [
        ["x1", "ann", "", "30", "Agent: hi"],
        ["x2", "bob", "", "40", "Agent: hello"],
        ["x3", "cy", "", "50", "Agent: good day"],
        ["x4", "dee", "South", "60", "Agent: hey"],
    ];
    for (i, row) in rows.iter().enumerate() {
        calls.write_row(i as u32 + 1, 0, *row)?;
    }
    calls.merge_range(1, 2, 3, 2, "North", &rust_xlsxwriter::Format::new())?;
    book.save(path)
}

#[test]
fn xlsx_with_several_sheets_and_merged_cells() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_workbook(&dir.path().join("calls.xlsx")).expect("workbook");

    analyze_in(dir.path(), "calls.xlsx", &[]).assert_error(
        "calls.xlsx: required column `call_id` or `id` or `callid` or `call_uuid` or `uniqueid` or `lead_id` or `conversation_id` not found; columns found: Totals, Count",
    );

    std::fs::write(dir.path().join("nope.toml"), "[input]\nsheet = \"Nope\"\n").expect("write");
    analyze_in(dir.path(), "calls.xlsx", &["--config", "nope.toml"])
        .assert_error("calls.xlsx: no sheet named `Nope`; sheets found: Summary, Calls");

    std::fs::write(
        dir.path().join("calls.toml"),
        "[input]\nsheet = \"Calls\"\n",
    )
    .expect("write");
    let run = analyze_in(dir.path(), "calls.xlsx", &["--config", "calls.toml"]);
    run.assert_counts(4, 0, 0);
    assert_eq!(run.ids(), ["x1", "x2", "x3", "x4"]);
    for (id, team) in [
        ("x1", "North"),
        ("x2", "North"),
        ("x3", "North"),
        ("x4", "South"),
    ] {
        assert_eq!(run.call(id)["team"], team, "{id}: merged cells read down");
    }
    assert_eq!(run.call("x2")["duration_s"], 40.0);
}

/// Writes `text` to `name` in a fresh folder and analyses it from there.
fn analyze_text(name: &str, text: &str) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(name), text).expect("write fixture");
    analyze_in(dir.path(), name, &[])
}

fn transcript(call: &Value) -> &str {
    call["legs"][0]["transcript"]["raw"]
        .as_str()
        .unwrap_or_default()
}

#[test]
fn unquoted_commas_in_the_last_transcript_column_are_joined_back_with_a_warning() {
    let run = analyze_text(
        "extra.csv",
        "call_id,agent,duration,transcript\nk1,ann,30,Agent: hi, how are you, fine\nk2,bob,40,\"Agent: hello\"\n",
    );
    run.assert_counts(2, 0, 1);
    assert_eq!(
        run.warnings(),
        [
            "warning: extra.csv:2: transcript: 6 cells under a header of 4: the transcript holds unquoted `,`; the extra cells are joined back into it"
        ]
    );
    assert_eq!(transcript(&run.call("k1")), "Agent: hi, how are you, fine");
    assert_eq!(transcript(&run.call("k2")), "Agent: hello");
}

#[test]
fn a_short_row_mid_file_warns_and_blank_rows_count_as_skipped() {
    let run = analyze_text(
        "short.csv",
        "call_id,agent,duration,transcript\ns1,ann\n,,,\ns2,bob,40,Agent: hi\n\n,  ,,\ns3,cy,50,Agent: yo\n",
    );
    run.assert_counts(3, 2, 3);
    assert_eq!(
        run.warnings(),
        [
            "warning: short.csv:2: 2 of 4 cells; the missing ones (from `duration`) read as empty",
            "warning: short.csv:3: blank row; skipped",
            "warning: short.csv:5: blank row; skipped",
        ]
    );
    assert_eq!(run.call("s1")["duration_s"], Value::Null);
}

#[test]
fn day_first_dates_are_read_day_first_when_only_that_reading_works() {
    let run = analyze_text(
        "dayfirst.csv",
        "call_id,agent,date,transcript\nd1,ann,05/06/2025 09:00,Agent: hi\nd2,bob,20/11/2025 15:47,Agent: hi\n",
    );
    run.assert_counts(2, 0, 0);
    assert_eq!(run.call("d1")["started_at"], "2025-06-05T09:00:00");
    assert_eq!(run.call("d2")["started_at"], "2025-11-20T15:47:00");
}

#[test]
fn ambiguous_dates_are_read_month_first_with_one_warning_naming_the_rule() {
    let run = analyze_text(
        "ambiguous.csv",
        "call_id,agent,date,transcript\na1,ann,05/06/2025,Agent: hi\na2,bob,07/08/2025,Agent: hi\n",
    );
    run.assert_counts(2, 0, 1);
    assert_eq!(
        run.warnings(),
        [
            "warning: ambiguous.csv:2: date: dates such as `05/06/2025` read both ways; read month first (mm/dd), as no date in the first 1000 rows has a first number above 12 (which would make the file day first)"
        ]
    );
    assert_eq!(run.call("a1")["started_at"], "2025-05-06T00:00:00");
}

#[test]
fn two_digit_years_follow_the_rule_with_one_warning_and_implausible_years_are_unknown() {
    let run = analyze_text(
        "years.csv",
        "call_id,agent,date,transcript\ny1,ann,12/16/25 8:32,Agent: hi\ny2,bob,20/11/25 15:47,Agent: hi\ny3,cy,0000-01-01,Agent: hi\ny4,dee,12/17/99,Agent: hi\n",
    );
    run.assert_counts(4, 0, 3);
    assert_eq!(
        run.warnings(),
        [
            "warning: years.csv:2: date: two-digit year in `12/16/25 8:32` read by the rule 00-68 as 2000-2068, 69-99 as 1969-1999; every two-digit year in this file is read the same way",
            "warning: years.csv:3: date: cannot parse date `20/11/25 15:47`: no such day (mm/dd/yyyy, month first in this file); treated as unknown",
            "warning: years.csv:4: date: implausible year 0 in date `0000-01-01` (expected 1900-2100); treated as unknown",
        ]
    );
    assert_eq!(run.call("y1")["started_at"], "2025-12-16T08:32:00");
    assert_eq!(run.call("y4")["started_at"], "1999-12-17T00:00:00");
}

#[test]
fn implausible_durations_are_unknown_in_every_form() {
    let huge = format!("{}:00:00", "9".repeat(300));
    let run = analyze_text(
        "long.csv",
        &format!(
            "call_id,agent,duration,transcript\nl1,ann,{huge},Agent: hi\nl2,bob,1e308,Agent: hi\nl3,cy,1e9,Agent: hi\nl4,dee,1.2e2,Agent: hi\n"
        ),
    );
    run.assert_counts(4, 0, 3);
    for id in ["l1", "l2", "l3"] {
        assert_eq!(run.call(id)["duration_s"], Value::Null, "{id}");
        assert_eq!(run.call(id)["metrics"]["length_class"], "unknown", "{id}");
    }
    assert!(
        run.warnings()
            .iter()
            .all(|w| w.contains("implausible duration"))
    );
    assert_eq!(run.call("l4")["duration_s"], 120.0);
}

#[test]
fn bidi_overrides_and_huge_agent_names_cannot_reorder_or_stretch_the_report() {
    let long = "L".repeat(10_000);
    let mut csv = String::from("call_id,agent,duration,disposition,transcript\n");
    for i in 0..24 {
        let agent = if i % 2 == 0 {
            "Ann\u{202E}evil"
        } else {
            long.as_str()
        };
        let outcome = if i % 3 == 0 { "SALE" } else { "NI" };
        csv += &format!(
            "b{i},{agent},{},{outcome},Agent: hello this is the team calling about your plan. Customer: ok tell me more.\n",
            60 + i * 10
        );
    }
    let run = analyze_text("bidi.csv", &csv);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = std::fs::read_to_string(run.out.join("report.md")).unwrap();
    let html = std::fs::read_to_string(run.out.join("report.html")).unwrap();
    for (name, text) in [("report.md", &md), ("report.html", &html)] {
        assert!(!text.contains('\u{202E}'), "{name} holds a bidi override");
        assert!(text.contains("Annevil"), "{name} names the agent");
    }
    assert!(
        md.lines()
            .filter(|l| l.starts_with('|'))
            .all(|l| !l.contains(&long)),
        "a report.md table holds the 10 KB name whole"
    );
    assert!(
        md.contains(&format!("{}…", "L".repeat(60))),
        "shortened label"
    );
    assert!(
        html.contains(&format!("title=\"{long}\"")),
        "full name on hover"
    );
}

fn xlsx_calls(sheet: &mut rust_xlsxwriter::Worksheet) -> Result<(), rust_xlsxwriter::XlsxError> {
    sheet.write_row(0, 0, ["call_id", "agent", "duration", "transcript"])?;
    let time = rust_xlsxwriter::Format::new().set_num_format("h:mm:ss");
    for (i, id) in ["v1", "v2"].iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_row(row, 0, [*id, "ann"])?;
        // 0:07:14 as a time of day: 434 seconds.
        sheet.write_number_with_format(row, 2, 434.0 / 86_400.0, &time)?;
        sheet.write(row, 3, "Agent: hi")?;
    }
    Ok(())
}

#[test]
fn xlsx_reads_the_first_visible_sheet_and_time_formatted_durations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut book = rust_xlsxwriter::Workbook::new();
    let hidden = book.add_worksheet().set_name("Lookup").expect("name");
    hidden.write_row(0, 0, ["code", "meaning"]).expect("row");
    hidden.set_hidden(true);
    let calls = book.add_worksheet().set_name("Calls").expect("name");
    xlsx_calls(calls).expect("calls");
    calls.set_active(true);
    book.save(dir.path().join("calls.xlsx")).expect("save");
    let run = analyze_in(dir.path(), "calls.xlsx", &[]);
    run.assert_counts(2, 0, 0);
    assert_eq!(run.call("v1")["duration_s"], 434.0);
}

#[test]
fn an_empty_first_sheet_names_the_other_sheets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("Cover").expect("name");
    xlsx_calls(book.add_worksheet().set_name("Calls").expect("name")).expect("calls");
    book.save(dir.path().join("calls.xlsx")).expect("save");
    analyze_in(dir.path(), "calls.xlsx", &[]).assert_error(
        "calls.xlsx: sheet `Cover` is empty; sheets found: Cover, Calls (name one with `sheet = \"...\"` in [input])",
    );
}

#[test]
fn a_sheet_with_a_stray_far_cell_is_refused_before_it_is_allocated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    xlsx_calls(sheet).expect("calls");
    sheet.write(99_000, 1_000, "x").expect("far cell");
    book.save(dir.path().join("bomb.xlsx")).expect("save");
    let size = std::fs::metadata(dir.path().join("bomb.xlsx"))
        .unwrap()
        .len();
    assert!(size < 20_000, "a small file: {size} bytes");
    analyze_in(dir.path(), "bomb.xlsx", &[]).assert_error(
        "bomb.xlsx: sheet `Sheet1` spans 99001 rows × 1001 columns from its first to its last value, more than the 10000000 cells callscope reads; delete the stray cells beyond the data or export the sheet as CSV",
    );
}

#[test]
fn a_repeated_transcript_column_is_a_warning_naming_both_columns() {
    let run = analyze_text(
        "repeated.csv",
        "call_id,agent,transcript,duration,Transcript\nd1,ann,Agent: hi,30,Agent: other\nd2,bob,Agent: yo,40,\n",
    );
    run.assert_counts(2, 0, 1);
    assert_eq!(
        run.warnings(),
        [
            "warning: repeated.csv:1: columns 3 and 5 are both named `Transcript`; only column 3 is read as transcript"
        ]
    );
    assert_eq!(transcript(&run.call("d1")), "Agent: hi");
}

#[test]
fn blank_rows_of_an_utterance_table_count_as_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("utt.toml"),
        "[input]\nprofile = \"custom\"\nlayout = \"utterance-per-row\"\n\
         [input.columns]\ncall_id = \"call_id\"\n\
         [input.utterances]\ncall_id = \"call_id\"\nspeaker = \"speaker\"\ntext = \"text\"\n",
    )
    .expect("write config");
    std::fs::write(
        dir.path().join("utt.csv"),
        "call_id,speaker,text\nu1,agent,Hi there.\n,,\nu1,customer,No thanks.\nu2,agent,Hello?\n , ,\n",
    )
    .expect("write table");
    let run = analyze_in(dir.path(), "utt.csv", &["--config", "utt.toml"]);
    run.assert_counts(2, 2, 2);
    assert_eq!(
        run.warnings(),
        [
            "warning: utt.csv:3: blank row; skipped",
            "warning: utt.csv:6: blank row; skipped",
        ]
    );
    assert_eq!(
        run.call("u1")["metrics"]["turns"],
        2,
        "the blank row splits nothing"
    );
}

#[test]
fn rows_swallowed_by_an_unclosed_quote_mid_file_are_named_and_read_back() {
    let run = analyze_text(
        "open_quote.csv",
        "call_id,agent,duration,transcript\n\
         a1,ann,30,\"Agent: hi\nCustomer: hello\n\
         a2,bob,40,Agent: hello, friend\n\
         a3,cy,50,Agent: yo\"\n\
         a4,dee,60,Agent: ok\n\
         a5,eve,70,Agent: bye\n",
    );
    run.assert_counts(5, 0, 2);
    assert_eq!(
        run.warnings(),
        [
            "warning: open_quote.csv:2: transcript: a quote opened in this cell closes only 3 lines later, and those lines are shaped like rows (call ids `a2`, `a3`): an unclosed quote? They are read as rows of their own",
            "warning: open_quote.csv:2: transcript: 5 cells under a header of 4: the transcript holds unquoted `,`; the extra cells are joined back into it",
        ]
    );
    assert_eq!(run.ids(), ["a1", "a2", "a3", "a4", "a5"]);
    assert_eq!(transcript(&run.call("a1")), "Agent: hi\nCustomer: hello");
    assert_eq!(transcript(&run.call("a2")), "Agent: hello, friend");
    assert_eq!(run.call("a3")["duration_s"], 50.0);
}

#[test]
fn a_nul_byte_past_the_first_64_kb_skips_its_row_and_a_mixed_encoding_cell_is_decoded_per_part() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = b"call_id,agent,duration,transcript\nn1,ann,30,Agent: ".to_vec();
    bytes.extend("hello ".repeat(12_000).as_bytes());
    bytes.extend(b"\nn2,bob,40,Agent: hi\0there\nn3,cy,50,Agent: caf\xC3\xA9 \x93ok\x94\n");
    std::fs::write(dir.path().join("bytes.csv"), bytes).expect("write fixture");
    let run = analyze_in(dir.path(), "bytes.csv", &[]);
    run.assert_counts(2, 1, 2);
    assert_eq!(
        run.warnings(),
        [
            "warning: bytes.csv:3: transcript: holds binary data (a NUL byte); row skipped",
            "warning: bytes.csv:4: transcript: not valid UTF-8; decoded as Windows-1252 (and so is every later such cell)",
        ]
    );
    assert_eq!(run.ids(), ["n1", "n3"]);
    assert_eq!(
        transcript(&run.call("n3")),
        "Agent: caf\u{e9} \u{201c}ok\u{201d}"
    );
}

/// An .ods workbook whose only sheet holds `content` (table rows).
fn write_ods(path: &Path, content: &str) {
    use std::io::Write;
    let file = std::fs::File::create(path).expect("create ods");
    let mut zip = zip::ZipWriter::new(file);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).expect("mimetype");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("write");
    zip.start_file("META-INF/manifest.xml", deflated)
        .expect("manifest");
    zip.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
          <manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
          <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
          <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
          </manifest:manifest>",
    )
    .expect("write");
    zip.start_file("content.xml", deflated).expect("content");
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"Calls\">{content}</table:table>\
         </office:spreadsheet></office:body></office:document-content>"
    );
    zip.write_all(xml.as_bytes()).expect("write");
    zip.finish().expect("finish");
}

fn ods_cell(text: &str) -> String {
    format!(
        "<table:table-cell office:value-type=\"string\"><text:p>{text}</text:p></table:table-cell>"
    )
}

fn ods_row(cells: &[&str]) -> String {
    let cells: String = cells.iter().map(|c| ods_cell(c)).collect();
    format!("<table:table-row>{cells}</table:table-row>")
}

#[test]
fn an_ods_repeating_one_row_190000_times_is_refused_before_it_is_loaded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bomb = format!(
        "{}<table:table-row table:number-rows-repeated=\"190000\"><table:table-cell office:value-type=\"float\" office:value=\"1\" table:number-columns-repeated=\"500\"/></table:table-row>",
        ods_row(&["call_id", "agent", "duration", "transcript"])
    );
    write_ods(&dir.path().join("bomb.ods"), &bomb);
    let size = std::fs::metadata(dir.path().join("bomb.ods"))
        .unwrap()
        .len();
    assert!(size < 2_000, "a small file: {size} bytes");
    analyze_in(dir.path(), "bomb.ods", &[]).assert_error(
        "bomb.ods: sheet `Calls` spans 190001 rows × 500 columns from its first to its last value, more than the 10000000 cells callscope reads; delete the stray cells beyond the data or export the sheet as CSV",
    );
    let fine = format!(
        "{}{}",
        ods_row(&["call_id", "agent", "duration", "transcript"]),
        ods_row(&["o1", "ann", "30", "Agent: hi"])
    );
    write_ods(&dir.path().join("fine.ods"), &fine);
    let run = analyze_in(dir.path(), "fine.ods", &[]);
    run.assert_counts(1, 0, 0);
    assert_eq!(run.call("o1")["duration_s"], 30.0);
}

//! End to end on the bundled example: the patterns planted in the demo data
//! (see `src/demo/mod.rs`) come out of `callscope analyze` as findings in the
//! report, with their numbers, intervals and example calls.

use std::path::Path;

use assert_cmd::Command;

fn report_of_example() -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-calls.csv");
    Command::cargo_bin("callscope")
        .expect("binary")
        .arg("analyze")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    std::fs::read_to_string(out.join("report.md")).expect("report.md written")
}

fn line_with<'a>(report: &'a str, needle: &str) -> &'a str {
    report
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in the report:\n{report}"))
}

#[test]
fn planted_patterns_are_findings_in_the_report() {
    let md = report_of_example();
    // (a) Maria Lopez converts far more than everyone else.
    let maria = line_with(&md, "Maria Lopez converts");
    assert!(maria.contains("the intervals do not overlap"), "{maria}");
    assert!(
        maria.contains("95% CI") && maria.contains("e.g. calls"),
        "{maria}"
    );
    // (b) Short calls end after an objection left unrebutted.
    let unhandled = line_with(
        &md,
        "The short-call rate differs by an objection left unrebutted: yes",
    );
    assert!(unhandled.contains("q "), "{unhandled}");
    // (c) Converted calls have more customer questions and buying signals.
    line_with(
        &md,
        "Converted calls have a higher number of buying signals",
    );
    line_with(
        &md,
        "Converted calls have a higher number of questions the customer asks",
    );
    // (d) Calls without a purpose statement end short more often.
    let purpose = line_with(
        &md,
        "The short-call rate differs by purpose of the call stated: not stated",
    );
    assert!(purpose.contains("e.g. short:"), "{purpose}");
}

//! The report, end to end through the binary, says what the data says: the
//! demo data's planted patterns appear as findings, and on PersuasionForGood
//! the overall and per-agent donation rates match the data exactly.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::cli::callscope;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn analyze(args: &[&str], out: &Path) -> String {
    let output = callscope()
        .current_dir(root())
        .arg("analyze")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read_to_string(out.join("report.md")).unwrap()
}

/// The Markdown section whose heading starts with `## {n}.`.
pub fn section(md: &str, n: u32) -> &str {
    let start = md.find(&format!("\n## {n}. ")).expect("section present");
    let rest = &md[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    &rest[..end]
}

#[test]
fn planted_patterns_of_the_demo_data_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    let md = analyze(&["examples/demo-calls.csv"], &dir.path().join("out"));
    let summary = section(&md, 1);
    // (a) One agent converts far more often, with non-overlapping intervals.
    let maria = summary
        .lines()
        .find(|l| l.contains("Maria Lopez: conversion"))
        .expect("the top agent is named in the executive summary");
    assert!(maria.contains("the intervals do not overlap"), "{maria}");
    // (b) Most short calls end after an unhandled objection.
    let patterns = section(&md, 3);
    assert!(
        patterns.contains("The most frequent reason is Objection left unhandled"),
        "short calls die on unhandled objections: {patterns}"
    );
    // (c) Converted calls have more customer questions and buying signals.
    assert!(
        summary.contains("Converted calls have a higher number of questions the customer asks")
    );
    assert!(summary.contains("Converted calls have a higher number of buying signals"));
    // (d) Calls without a purpose statement end short more often.
    let purpose = patterns
        .lines()
        .find(|l| {
            l.contains("The short-call rate differs by purpose of the call stated: not stated")
        })
        .expect("the missing purpose statement is a short-call finding");
    assert!(purpose.contains("e.g. short:"), "{purpose}");
}

/// Donations per persuader, straight from calls.csv.
fn donation_counts() -> (BTreeMap<String, (u32, u32)>, u32, u32) {
    let mut rdr = csv::Reader::from_path(root().join("data/persuasionforgood/calls.csv")).unwrap();
    let mut per_agent: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let (mut donated, mut total) = (0, 0);
    for rec in rdr.deserialize::<BTreeMap<String, String>>() {
        let rec = rec.unwrap();
        let yes = u32::from(rec["outcome"] == "donated");
        let entry = per_agent.entry(rec["agent"].clone()).or_default();
        entry.0 += yes;
        entry.1 += 1;
        donated += yes;
        total += 1;
    }
    (per_agent, donated, total)
}

#[test]
fn persuasionforgood_rates_in_the_report_match_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let md = analyze(
        &[
            "data/persuasionforgood/full_dialog.csv",
            "--calls",
            "data/persuasionforgood/calls.csv",
            "--config",
            "examples/persuasionforgood.toml",
        ],
        &dir.path().join("out"),
    );
    let (per_agent, donated, total) = donation_counts();
    assert_eq!((donated, total), (545, 1017));
    assert!(
        section(&md, 1).contains(&format!("({donated}/{total}")),
        "overall donation rate with its counts"
    );
    let agents = section(&md, 2);
    let mut checked = 0;
    for (agent, (yes, n)) in &per_agent {
        let escaped = agent.replace('_', "\\_");
        let Some(row) = agents
            .lines()
            .find(|l| l.starts_with(&format!("| {escaped} |")))
        else {
            continue;
        };
        assert!(
            row.contains(&format!("| {n} |")),
            "{agent}: {n} calls in {row}"
        );
        assert!(
            row.contains(&format!("({yes}/{n};")),
            "{agent}: {yes}/{n} donated in {row}"
        );
        checked += 1;
    }
    let ranked = per_agent.values().filter(|(_, n)| *n >= 10).count();
    assert!(
        checked >= ranked,
        "every agent with 10+ conversations is in the table ({checked} < {ranked})"
    );
    assert!(
        md.contains("no call has a start time"),
        "chats have no dates, and the report says so"
    );
}

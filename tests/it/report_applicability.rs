//! The report claims only what applies to the data, in the data's own
//! outcome words, through the binary: helpdesk-like and charity-like inputs
//! (no script, non-sales outcomes) get no compliance section and no script
//! recommendation; unmapped outcome codes are listed with the lines to add;
//! a finding below the minimum effect stays out of the summary.

use std::fmt::Write;
use std::path::Path;

use crate::report_findings::{analyze, section};

const AGENTS: [&str; 4] = ["Ana Ruiz", "Ben Okafor", "Chen Wei", "Dora Lind"];
const PROBLEMS: [&str; 4] = [
    "my printer stopped working after the update",
    "I cannot log in to my account",
    "the invoice shows the wrong amount",
    "the app crashes when I open settings",
];

/// A helpdesk export: short two-sided chats, outcome codes resolved /
/// unresolved / unclear, four agents over five weeks. Agents who ask a
/// clarifying question resolve more often.
fn helpdesk_csv() -> String {
    let mut csv = String::from("call_id,agent,started_at,duration_s,disposition,transcript\n");
    for i in 0..96_usize {
        let agent = AGENTS[i % 4];
        let asks = (i % 4) < 2 || i % 5 == 0;
        let resolved = if asks { i % 7 != 0 } else { i % 3 == 0 };
        let code = match (i % 11 == 0, resolved) {
            (true, _) => "unclear",
            (false, true) => "resolved",
            (false, false) => "unresolved",
        };
        let day = 1 + (i * 34 / 96);
        let started = format!("2026-03-{:02}T{:02}:15:00", day.min(31), 9 + i % 8);
        let mut t = format!("Customer: Hi, {}.\n", PROBLEMS[i % 4]);
        if asks {
            t += "Agent: Sorry about that. Which version are you on, and what do you see on screen?\n";
            t += "Customer: Version 4.2, it shows an error code.\n";
        }
        t += "Agent: Please restart it and clear the cache, that fixes most cases.\n";
        t += if resolved {
            "Customer: Great, that worked, thank you!"
        } else {
            "Customer: It still fails, this is frustrating."
        };
        let duration = 60 + (i * 37) % 500;
        let _ = writeln!(csv, "H{i:03},{agent},{started},{duration},{code},\"{t}\"");
    }
    csv
}

/// A charity chat export: persuader and persuadee, donated / no_donation.
fn charity_csv() -> String {
    let mut csv = String::from("call_id,agent,duration_s,disposition,transcript\n");
    for i in 0..60_usize {
        let agent = AGENTS[i % 3];
        let donated = i % 2 == 0;
        let mut t = String::from("Agent: Hello! Have you heard of Save the Children?\n");
        t += "Customer: A little. What do they do?\n";
        t += "Agent: They help children in poor countries with food and schooling.\n";
        t += if donated {
            "Customer: That is lovely, I will give a dollar of my payment."
        } else {
            "Customer: I can't afford it right now, sorry."
        };
        let code = if donated { "donated" } else { "no_donation" };
        let _ = writeln!(csv, "P{i:03},{agent},{},{code},\"{t}\"", 200 + i);
    }
    csv
}

const HELPDESK_OUTCOMES: &str = "[outcomes]\nconverted = [\"resolved\"]\nnot_converted = [\"unresolved\"]\nunknown = [\"unclear\"]\npositive_label = \"resolved\"\nnegative_label = \"unresolved\"\nrate_label = \"resolution\"\n";

/// Writes the input and config, runs `analyze`, returns the Markdown report
/// with its escapes removed.
fn run(dir: &Path, csv: &str, config: &str) -> String {
    let input = dir.join("calls.csv");
    let cfg = dir.join("callscope.toml");
    std::fs::write(&input, csv).unwrap();
    std::fs::write(&cfg, config).unwrap();
    analyze(
        &[input.to_str().unwrap(), "--config", cfg.to_str().unwrap()],
        &dir.join("out"),
    )
    .replace('\\', "")
}

fn assert_no_script_claims(md: &str) {
    for claim in [
        "Script followed on",
        "Script training",
        "steering back to the script",
        "Q1. Is the script followed?",
        "Agent ranking by script followed",
        "Mean compliance",
        "section: mean score",
    ] {
        assert!(
            !md.contains(claim),
            "{claim:?} in a report without a script:\n{md}"
        );
    }
}

#[test]
fn helpdesk_with_the_built_in_sales_playbook_gets_no_script_claims_and_its_own_words() {
    let dir = tempfile::tempdir().unwrap();
    let md = run(dir.path(), &helpdesk_csv(), HELPDESK_OUTCOMES);
    assert_no_script_claims(&md);
    assert!(
        md.contains("the playbook's script does not fit these calls"),
        "the report says why the script is left out: {}",
        section(&md, 1)
    );
    assert!(
        md.contains("`[playbook] enabled = false`"),
        "names the setting"
    );
    assert!(
        section(&md, 1).contains("Resolution: "),
        "{}",
        section(&md, 1)
    );
    assert!(md.contains("resolved, ") && md.contains(" unresolved, "));
    let sales: Vec<&str> = md
        .lines()
        .filter(|l| l.to_lowercase().contains("conversion") || l.contains("converted"))
        .collect();
    assert!(
        sales.is_empty(),
        "sales words in a helpdesk report: {sales:#?}"
    );
    // Two or three customer turns: start and end sentiment are the same text.
    assert!(md.contains("Customer sentiment at the start against the end: left out"));
    assert!(!md.contains("customer sentiment at start:"));
}

#[test]
fn a_disabled_playbook_says_so_and_unmapped_codes_get_the_lines_to_add() {
    let dir = tempfile::tempdir().unwrap();
    let md = run(dir.path(), &helpdesk_csv(), "[playbook]\nenabled = false\n");
    assert_no_script_claims(&md);
    assert!(md.contains("left out because `[playbook] enabled = false`"));
    assert!(md.contains("left out because no call has a known outcome"));
    let outcomes = md
        .split("\n## ")
        .find(|s| s.contains(". Outcomes"))
        .expect("outcomes section");
    for code in ["resolved", "unresolved", "unclear"] {
        assert!(
            outcomes
                .lines()
                .any(|l| l.starts_with(&format!("| {code} | "))),
            "{code} listed with its count: {outcomes}"
        );
        assert!(
            outcomes.contains(&format!("\"{code}\"")),
            "{code} in the lines to add"
        );
    }
    assert!(outcomes.contains("[outcomes]\nconverted = ["), "{outcomes}");
}

#[test]
fn charity_playbook_without_sections_gets_no_compliance_and_its_words() {
    let dir = tempfile::tempdir().unwrap();
    let config = "[outcomes]\nconverted = [\"donated\"]\nnot_converted = [\"no_donation\"]\npositive_label = \"donated\"\nnegative_label = \"did not donate\"\nrate_label = \"donation rate\"\n\n[playbook]\n[[playbook.objections]]\nid = \"no_money\"\nname = \"No money\"\nphrases = [\"can't afford\"]\n";
    let md = run(dir.path(), &charity_csv(), config);
    assert_no_script_claims(&md);
    assert!(md.contains("left out because the playbook has no script sections"));
    assert!(
        section(&md, 1).contains("Donation rate: 50% (30/60"),
        "{}",
        section(&md, 1)
    );
    assert!(md.contains("30 donated, 30 did not donate"));
}

#[test]
fn a_finding_below_the_minimum_effect_is_not_in_the_summary_but_in_the_appendix() {
    let dir = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-calls.csv");
    // The largest bars the config accepts: only complete separations reach
    // them, every other finding falls below.
    let strict = "[analysis]\nmin_effect_pp = 100\nmin_effect_delta = 1.0\n";
    let cfg = dir.path().join("strict.toml");
    std::fs::write(&cfg, strict).unwrap();
    let md = analyze(
        &[input.to_str().unwrap(), "--config", cfg.to_str().unwrap()],
        &dir.path().join("strict"),
    );
    let summary = section(&md, 1);
    assert!(
        summary.contains("show a difference of at least 100 percentage points or a Cliff's delta of at least 1.00"),
        "{summary}"
    );
    // Only complete separations (delta 1.00) reach the summary.
    assert!(!summary.contains("Cliff's delta +0."), "{summary}");
    assert!(!summary.contains("Cliff's delta −0."), "{summary}");
    let appendix = &md[md.find("Appendix: every finding").expect("appendix")..];
    assert!(appendix.contains("below the minimum effect"), "{appendix}");
    assert!(appendix.contains("Cliff's delta"), "{appendix}");
}

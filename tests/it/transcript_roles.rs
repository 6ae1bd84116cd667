//! Who is speaking, through the binary: synthetic calls of every transcript
//! shape (three-party handoff, unlabelled lines, one paragraph, a business
//! answering with a full greeting, a speaker word inside a sentence) are
//! analysed and the roles read back from `insights.jsonl`.

use std::path::{Path, PathBuf};

use assert_cmd::assert::OutputAssertExt;

use crate::support::cli::callscope;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/roles")
        .join(name)
}

/// Analyses `input` through the binary; returns `insights.jsonl`'s calls
/// (with their transcripts) and the Markdown report.
fn analyse(input: &Path, extra: &[&str]) -> (Vec<Value>, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    callscope()
        .arg("analyze")
        .arg(input)
        .args(extra)
        .arg("--jsonl-transcripts")
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let jsonl = std::fs::read_to_string(out.join("insights.jsonl")).unwrap();
    let calls = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (
        calls,
        std::fs::read_to_string(out.join("report.md")).unwrap(),
    )
}

/// The shapes fixture: each call's closer-leg turns.
fn analysed() -> Vec<(String, Vec<Value>)> {
    analyse(&fixture("shapes.csv"), &[])
        .0
        .into_iter()
        .map(|v| {
            let turns = v["legs"][0]["transcript"]["turns"]
                .as_array()
                .unwrap()
                .clone();
            (v["id"].as_str().unwrap().to_string(), turns)
        })
        .collect()
}

fn speakers(turns: &[Value]) -> Vec<&str> {
    turns
        .iter()
        .map(|t| t["speaker"].as_str().unwrap())
        .collect()
}

fn field<'t>(turn: &'t Value, name: &str) -> &'t Value {
    &turn["attribution"][name]
}

#[test]
fn every_shape_gets_roles_with_source_and_confidence() {
    let calls = analysed();
    let call = |id: &str| &calls.iter().find(|(c, _)| c == id).unwrap().1;

    // Three speakers: opener hands over, closer pitches, prospect answers.
    let handoff = call("R1");
    assert_eq!(
        speakers(handoff),
        [
            "agent", "agent", "customer", "agent", "customer", "agent", "customer"
        ]
    );
    assert_eq!(field(&handoff[0], "part"), "opener");
    assert_eq!(field(&handoff[1], "part"), "closer");
    assert!(
        handoff
            .iter()
            .all(|t| field(t, "confidence").as_f64().unwrap() >= 0.8)
    );

    // One utterance per line, no labels: the sequence model.
    let lines = call("R2");
    assert_eq!(
        speakers(lines),
        [
            "customer", "agent", "customer", "agent", "customer", "agent", "customer"
        ]
    );

    // One paragraph: split into sentences, roles only where confident.
    let paragraph = call("R3");
    assert_eq!(paragraph.len(), 8, "one turn per sentence");
    assert_eq!(paragraph[1]["speaker"], "agent");
    for t in paragraph {
        let known = t["speaker"] != "unknown";
        assert_eq!(known, t["attribution"].is_object(), "{t}");
        if known {
            assert!(field(t, "confidence").as_f64().unwrap() >= 0.8);
        }
    }

    // The business owner answers with a full greeting: still the customer.
    assert_eq!(
        speakers(call("R4")),
        ["customer", "agent", "customer", "agent", "customer"]
    );
    assert_eq!(field(&call("R4")[0], "source"), "content");

    // A speaker word inside a sentence starts no turn.
    let inline = call("R5");
    assert_eq!(speakers(inline), ["agent", "customer", "agent"]);
    assert_eq!(
        inline[1]["text"],
        "My old agent: he was useless. Not interested."
    );
    assert_eq!(field(&inline[1], "source"), "label");
}

#[test]
fn calls_with_unknown_roles_get_no_side_metrics_and_no_invented_reason() {
    let (calls, _) = analyse(&fixture("unknown.csv"), &[]);
    assert_eq!(calls.len(), 2);
    for call in &calls {
        let m = &call["metrics"];
        assert_eq!(m["roles_known"], false, "{}", call["id"]);
        assert!(m["turns"].as_u64().unwrap() >= 10, "{}", call["id"]);
        for side in [
            "customer_words",
            "agent_words",
            "agent_talk_share_words",
            "customer_questions",
        ] {
            assert!(
                m[side].is_null(),
                "{} {side} must be unknown, not 0",
                call["id"]
            );
        }
        let insight = &call["analysis"]["insight"];
        assert!(
            insight["early_termination"].is_null(),
            "{}: {insight}",
            call["id"]
        );
        assert!(insight["objections"].as_array().unwrap().is_empty());
        assert!(insight["script"].is_null());
    }
    assert_eq!(calls[0]["metrics"]["shape"], "paragraph");
    assert_eq!(calls[1]["metrics"]["shape"], "lines");
}

#[test]
fn handoff_features_are_measured_per_call_and_reported() {
    let (calls, report) = analyse(&fixture("handoff_vici.csv"), &["--profile", "vici-lgs-omc"]);
    let h1 = &calls[0]["metrics"]["handoff"];
    assert_eq!(h1["transfer_turn"], 0);
    assert_eq!(
        (h1["consent_asked"].as_bool(), h1["consent_given"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(h1["framing"], "customers");
    assert_eq!(
        (h1["agenda_set"].as_bool(), h1["time_asked"].as_bool()),
        (Some(true), Some(true))
    );
    let h2 = &calls[1]["metrics"]["handoff"];
    assert!(h2["transfer_turn"].is_null() && h2["consent_given"].is_null());
    assert_eq!(h2["framing"], "marketing");
    assert_eq!(
        (h2["agenda_set"].as_bool(), h2["time_asked"].as_bool()),
        (Some(false), Some(false))
    );
    let closer = calls[0]["legs"][1]["transcript"]["turns"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        speakers(&closer),
        ["agent", "agent", "customer", "agent", "customer"]
    );

    assert!(
        report.contains("Measured on 2 two-leg calls with both transcripts"),
        "{report}"
    );
    assert!(report.contains("| opener asked for consent to the transfer | 1/2 |"));
    assert!(report.contains("Speaker roles are known with confidence in 2 of 2 calls"));
}

#[test]
fn utterances_csv_records_leg_role_source_and_confidence() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    callscope()
        .arg("analyze")
        .arg(fixture("shapes.csv"))
        .args(["--formats", "csv", "--out"])
        .arg(&out)
        .assert()
        .success();
    let mut reader = csv::Reader::from_path(out.join("utterances.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (speaker, leg, source, confidence) = (
        at("speaker"),
        at("leg"),
        at("role_source"),
        at("role_confidence"),
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    let sources: Vec<&str> = rows.iter().map(|r| &r[source]).collect();
    assert!(sources.contains(&"label") && sources.contains(&"content"));
    for row in &rows {
        assert!(
            !row[leg].is_empty(),
            "every sentence names its leg: {row:?}"
        );
        let known = &row[speaker] != "unknown";
        assert_eq!(known, !row[confidence].is_empty(), "{row:?}");
        if known {
            let p: f64 = row[confidence].parse().unwrap();
            assert!((0.8..=1.0).contains(&p), "{row:?}");
        }
    }
}

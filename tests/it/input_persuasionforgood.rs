//! The PersuasionForGood utterance table + metadata table, read through the
//! committed `examples/persuasionforgood.toml` mapping.

use std::collections::HashMap;
use std::path::PathBuf;

use callscope::config::Config;
use callscope::input::{InputSpec, RowResult, open};
use callscope::model::{Call, Outcome, Speaker};

const DATA: &str = "data/persuasionforgood";

fn load() -> (Vec<Call>, Vec<String>) {
    let cfg = Config::load("examples/persuasionforgood.toml".as_ref()).expect("config parses");
    let spec = InputSpec {
        path: PathBuf::from(DATA).join("full_dialog.csv"),
        calls_meta: Some(PathBuf::from(DATA).join("calls.csv")),
    };
    let mut calls = Vec::new();
    let mut problems = Vec::new();
    for item in open(&spec, &cfg).expect("opens") {
        match item {
            RowResult::Call(call, warnings) => {
                problems.extend(warnings.iter().map(ToString::to_string));
                calls.push(*call);
            }
            RowResult::Skipped(w) => problems.push(w.to_string()),
        }
    }
    (calls, problems)
}

#[test]
fn all_calls_load_with_outcomes_agents_and_turns() {
    let (calls, problems) = load();
    assert!(
        problems.is_empty(),
        "unexpected warnings: {:?}",
        &problems[..problems.len().min(5)]
    );
    assert_eq!(calls.len(), 1017);
    let count = |o: Outcome| calls.iter().filter(|c| c.outcome == o).count();
    assert_eq!(count(Outcome::Converted), 545);
    assert_eq!(count(Outcome::NotConverted), 472);

    let by_id: HashMap<&str, &Call> = calls.iter().map(|c| (c.id.as_str(), c)).collect();
    let first = by_id["20180904-045349_715_live"];
    assert_eq!(first.agent.as_deref(), Some("user_585"));
    assert_eq!(first.disposition.as_deref(), Some("no_donation"));
    assert_eq!(
        first.attributes.get("customer").map(String::as_str),
        Some("user_1810")
    );
    assert_eq!(by_id["20180904-154250_98_live"].outcome, Outcome::Converted);

    // No durations in this corpus: unknown, never zero.
    assert!(
        calls
            .iter()
            .all(|c| c.duration_s.is_none() && c.legs.iter().all(|l| l.duration_s.is_none()))
    );

    // Turns alternate roles after merging rows of one speaker within a turn.
    let turns = &first.legs[0].transcript.turns;
    assert_eq!(turns[0].speaker, Speaker::Agent);
    assert_eq!(turns[0].text, "Good morning. How are you doing today?");
    assert_eq!(turns[1].speaker, Speaker::Customer);
    assert!(turns.windows(2).all(|w| w[0].speaker != w[1].speaker));
    for call in &calls {
        let n = call.legs[0].transcript.turns.len();
        assert!((2..=80).contains(&n), "{}: {n} turns", call.id);
        assert!(
            call.legs[0]
                .transcript
                .turns
                .iter()
                .all(|t| t.speaker != Speaker::Unknown)
        );
    }
}

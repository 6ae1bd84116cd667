//! Metrics computed from parsed transcripts: what is present when it can be
//! computed and absent (None) when it cannot, plus a real PersuasionForGood
//! conversation read from the shared data.

use std::path::PathBuf;

use callscope::config::{Playbook, SpeakerMap};
use callscope::metrics::{self, BUYING_SIGNAL_KIND, Metrics, PhraseBook};
use callscope::model::{Call, Leg, LengthClass, Outcome, Speaker, Transcript, Turn};
use callscope::transcript::{parse_text, speaker_role};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/transcripts")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The metrics of `call` under the generic playbook.
fn generic_metrics(call: &Call) -> Metrics {
    let playbook = Playbook::generic();
    let phrases = PhraseBook::new(&playbook).expect("phrase book");
    metrics::compute(call, &playbook, &phrases, 300.0)
}

fn call_with(turns: Vec<Turn>, raw: String, duration_s: Option<f64>) -> Call {
    Call {
        id: "c1".into(),
        started_at: None,
        agent: Some("dana".into()),
        team: None,
        duration_s,
        disposition: None,
        outcome: Outcome::Unknown,
        legs: vec![Leg {
            name: "closer".into(),
            agent: None,
            duration_s,
            transcript: Transcript {
                raw,
                turns,
                rows: Vec::new(),
            },
        }],
        attributes: Default::default(),
    }
}

fn metrics_of(fixture_name: &str, duration_s: Option<f64>) -> Metrics {
    let raw = fixture(fixture_name);
    let turns = parse_text(&raw, &SpeakerMap::default());
    generic_metrics(&call_with(turns, raw, duration_s))
}

#[test]
fn untimed_transcript_has_word_metrics_but_no_time_metrics() {
    let m = metrics_of("labelled.txt", Some(45.0));
    assert_eq!(m.turns, Some(4));
    assert_eq!((m.agent_turns, m.customer_turns), (Some(2), Some(2)));
    assert_eq!(m.customer_words, Some(15));
    assert_eq!(m.agent_questions, Some(1));
    assert_eq!(m.customer_questions, Some(1));
    let share = m.agent_talk_share_words.expect("roles known");
    assert!(share > 0.5 && share < 1.0);
    assert_eq!(m.longest_monologue_words, Some(23));
    assert_eq!(m.agent_talk_share_time, None);
    assert_eq!(m.longest_monologue_s, None);
    assert_eq!(m.interruptions, None);
    assert_eq!(m.time_to_purpose_s, None);
    assert_eq!(m.transcript_span_s, None);
    assert_eq!(m.purpose_turn, Some(0));
    assert_eq!(m.length_class, LengthClass::Short);
}

#[test]
fn objections_and_buying_signals_are_found_by_playbook_phrases() {
    let m = metrics_of("labelled.txt", None);
    let objections: Vec<(&str, u32, &str)> = m
        .objections
        .iter()
        .map(|h| (h.kind.as_str(), h.turn, h.phrase.as_str()))
        .collect();
    assert_eq!(objections, [("price", 1, "too expensive")]);
    assert_eq!(m.buying_signals.len(), 1);
    assert_eq!(m.buying_signals[0].kind, BUYING_SIGNAL_KIND);
    assert_eq!(m.buying_signals[0].turn, 3);
    assert_eq!(m.buying_signals[0].speaker, Speaker::Customer);
    assert_eq!(m.length_class, LengthClass::Unknown);
    let opening = m
        .sections
        .iter()
        .find(|s| s.section == "opening")
        .expect("opening");
    assert!(opening.attempted() && opening.first_turn == Some(0));
    let close = m
        .sections
        .iter()
        .find(|s| s.section == "close")
        .expect("close");
    assert!(!close.attempted());
}

#[test]
fn demo_style_customer_lines_match_the_generic_playbook() {
    let raw = "Agent: Hello, calling from Acme.\n\
               Customer: It's too expensive.\nCustomer: Send me an email.\n\
               Customer: I'm not interested.\nCustomer: I'm busy right now.\n\
               Customer: We already have someone.\nCustomer: I need to talk to my partner.\n\
               Customer: What would the next step be? Sounds good.";
    let turns = parse_text(raw, &SpeakerMap::default());
    let m = generic_metrics(&call_with(turns, raw.into(), None));
    let kinds: Vec<&str> = m.objections.iter().map(|h| h.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "price",
            "send_email",
            "not_interested",
            "busy_call_back",
            "already_have_provider",
            "talk_to_partner"
        ]
    );
    assert_eq!(m.buying_signals.len(), 1);
    assert_eq!(m.buying_signals[0].turn, 7);
}

#[test]
fn timed_transcript_has_time_metrics_and_interruptions() {
    let m = metrics_of("speaker_ranges.txt", Some(15.0));
    // Speaker A (customer) starts at 8 s while B (agent) talks until 9 s.
    assert_eq!(m.interruptions, Some(1));
    let share = m.agent_talk_share_time.expect("times known");
    assert!((share - 10.0 / 16.0).abs() < 1e-9, "{share}");
    assert_eq!(m.longest_monologue_s, Some(7.0));
    assert_eq!(m.transcript_span_s, Some(15.0));
    assert_eq!(m.objections[0].kind, "busy_call_back");
    assert_eq!(m.objections[0].start_s, Some(8.0));
}

#[test]
fn time_to_purpose_uses_the_first_purpose_phrase() {
    let m = metrics_of("bracketed_hms.txt", Some(70.0));
    assert_eq!(m.purpose_turn, Some(2));
    assert_eq!(m.time_to_purpose_s, Some(6.0));
    assert_eq!(m.interruptions, None, "no end times, nothing to compare");
}

#[test]
fn unknown_roles_leave_role_metrics_absent() {
    let m = metrics_of("anonymous_no_cues.txt", Some(20.0));
    assert_eq!(m.turns, Some(3));
    assert_eq!(m.agent_words, None);
    assert_eq!(m.agent_talk_share_words, None);
    assert_eq!(m.longest_monologue_words, None);
    assert_eq!(m.customer_sentiment_start, None);
    assert!(m.objections.is_empty() && m.sections.is_empty());
}

#[test]
fn no_transcript_means_no_metrics_but_a_length_class() {
    let call = call_with(Vec::new(), String::new(), Some(400.0));
    let m = generic_metrics(&call);
    assert_eq!(
        m,
        Metrics {
            length_class: LengthClass::Long,
            ..Metrics::default()
        }
    );
}

/// One PersuasionForGood dialogue, rebuilt from the shared utterance table
/// (B4 = 0 persuader, 1 persuadee).
fn persuasion_for_good_call(id: &str) -> Call {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/persuasionforgood/full_dialog.csv");
    let mut reader = csv::Reader::from_path(&path).expect("shared PersuasionForGood data");
    let speakers = SpeakerMap {
        agent: vec!["0".into()],
        customer: vec!["1".into()],
    };
    let turns: Vec<Turn> = reader
        .records()
        .map(|r| r.expect("csv row"))
        .filter(|r| r.get(4) == Some(id))
        .map(|r| {
            let label = r.get(3).unwrap_or_default().to_string();
            Turn {
                speaker: speaker_role(&label, &speakers),
                ..Turn::new(Some(label), r.get(1).unwrap_or_default().trim())
            }
        })
        .collect();
    let raw = turns
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    call_with(turns, raw, None)
}

#[test]
fn persuasion_for_good_dialogue_metrics() {
    let call = persuasion_for_good_call("20180904-045349_715_live");
    let turns = &call.legs[0].transcript.turns;
    assert_eq!(turns[0].text, "Good morning. How are you doing today?");
    assert_eq!(turns[0].speaker, Speaker::Agent);
    assert_eq!(turns[1].speaker, Speaker::Customer);
    let m = generic_metrics(&call);
    let words = |s: Speaker| -> u32 {
        turns
            .iter()
            .filter(|t| t.speaker == s)
            .map(|t| t.text.split_whitespace().count() as u32)
            .sum()
    };
    assert_eq!(m.turns, Some(turns.len() as u32));
    assert_eq!(m.agent_words, Some(words(Speaker::Agent)));
    assert_eq!(m.customer_words, Some(words(Speaker::Customer)));
    assert!(m.customer_questions.unwrap_or(0) >= 3);
    // The persuadee ends warmly ("They are a great organization", "Would that help?").
    assert!(m.customer_sentiment_end.expect("customer spoke") > 0.0);
    assert_eq!(m.agent_talk_share_time, None);
    assert_eq!(m.interruptions, None);
    assert_eq!(m.length_class, LengthClass::Unknown);
}

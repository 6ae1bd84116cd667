//! Every supported transcript shape, parsed from fixture files, and the
//! speaker-role heuristics.

use std::path::PathBuf;

use callscope::config::SpeakerMap;
use callscope::model::{Speaker, Turn};
use callscope::transcript::{Layout, assign_roles, parse_text, speaker_role};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/transcripts")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse(name: &str) -> (String, Vec<Turn>) {
    let raw = fixture(name);
    let turns = parse_text(&raw, &SpeakerMap::default());
    (raw, turns)
}

fn speakers(turns: &[Turn]) -> Vec<Speaker> {
    turns.iter().map(|t| t.speaker).collect()
}

fn texts(turns: &[Turn]) -> Vec<&str> {
    turns.iter().map(|t| t.text.as_str()).collect()
}

use Speaker::{Agent, Customer, Unknown};

#[test]
fn labelled_lines_with_continuation() {
    let (_, turns) = parse("labelled.txt");
    assert_eq!(speakers(&turns), [Agent, Customer, Agent, Customer]);
    assert!(turns[0].text.ends_with("get more customers."));
    assert!(turns[0].text.contains("Marketing.\nThe reason"));
    assert!(turns.iter().all(|t| t.start_s.is_none()));
}

#[test]
fn speaker_ranges_with_outbound_intro() {
    let (_, turns) = parse("speaker_ranges.txt");
    assert_eq!(speakers(&turns), [Customer, Agent, Customer, Agent]);
    assert_eq!(turns[1].label.as_deref(), Some("Speaker B"));
    assert_eq!((turns[1].start_s, turns[1].end_s), (Some(2.0), Some(9.0)));
    assert_eq!(turns[0].text, "Hello?");
}

#[test]
fn bracketed_hours_minutes_seconds() {
    let (_, turns) = parse("bracketed_hms.txt");
    assert_eq!(speakers(&turns), [Agent, Customer, Agent, Customer]);
    let starts: Vec<Option<f64>> = turns.iter().map(|t| t.start_s).collect();
    assert_eq!(starts, [Some(1.0), Some(5.0), Some(7.0), Some(62.0)]);
    assert_eq!(turns[3].text, "We already have someone for that.");
}

#[test]
fn bracketed_minutes_with_numbered_speakers_inbound() {
    let (_, turns) = parse("bracketed_speaker_num.txt");
    assert_eq!(speakers(&turns), [Agent, Customer, Agent]);
    assert_eq!(turns[2].start_s, Some(9.0));
}

#[test]
fn bare_timestamps_before_labels() {
    let (_, turns) = parse("bare_timestamps.txt");
    assert_eq!(speakers(&turns), [Agent, Customer, Agent]);
    assert_eq!(turns[2].start_s, Some(6.0));
    assert_eq!(turns[1].text, "Hi Jo.");
}

#[test]
fn timestamp_lines_followed_by_text() {
    let (_, turns) = parse("timestamp_lines.txt");
    assert_eq!(speakers(&turns), [Agent, Customer, Unknown]);
    assert_eq!(turns[0].start_s, Some(3.0));
    assert_eq!(turns[1].start_s, Some(9.0));
    assert_eq!(turns[1].text, "Hello Pat.\nGo ahead.");
    assert_eq!(
        (turns[2].start_s, turns[2].label.as_deref()),
        (Some(15.0), None)
    );
}

#[test]
fn one_line_vici_export_with_inline_labels() {
    let (_, turns) = parse("vici_one_line.txt");
    assert_eq!(speakers(&turns), [Agent, Customer, Agent, Customer, Agent]);
    assert_eq!(
        texts(&turns)[1..4],
        [
            "I'm not interested.",
            "I understand, can I ask why?",
            "Send me an email."
        ]
    );
}

#[test]
fn a_named_speaker_opposite_a_known_role_gets_the_other_role() {
    let (_, turns) = parse("named_speakers.txt");
    assert_eq!(speakers(&turns), [Agent, Customer, Agent, Customer]);
    assert_eq!(turns[1].label.as_deref(), Some("Bob Smith"));
}

#[test]
fn anonymous_speakers_without_cues_stay_unknown() {
    let raw =
        "Speaker A: The weather turned.\nSpeaker B: It did, all week.\nSpeaker A: Rain again.";
    let turns = parse_text(raw, &SpeakerMap::default());
    assert_eq!(turns.len(), 3);
    assert!(
        turns
            .iter()
            .all(|t| t.speaker == Unknown && t.attribution.is_none())
    );
}

#[test]
fn who_answers_the_phone_is_the_called_side() {
    let (_, turns) = parse("anonymous_undecidable.txt");
    assert_eq!(speakers(&turns), [Customer, Agent, Customer]);
    let source = turns[0].attribution.map(|a| a.source);
    assert_eq!(source, Some(callscope::model::RoleSource::Content));
}

#[test]
fn a_callers_pleasantry_marks_the_agent_and_the_learned_classifier_the_reply() {
    // "How are you doing today?" is what a caller asks; the reply has no
    // rule cue, but the learned classifier knows how the asked side answers.
    let raw = "Speaker 1: Good morning. How are you doing today?\nSpeaker 2: Hi. I am doing good.";
    let turns = parse_text(raw, &SpeakerMap::default());
    assert_eq!(speakers(&turns), [Agent, Customer]);
}

#[test]
fn configured_labels_win_over_heuristics() {
    let map = SpeakerMap {
        agent: vec!["SPEAKER A".into()],
        customer: vec!["speaker b".into()],
    };
    let turns = parse_text(
        "Speaker A: Yes?\nSpeaker B: Hi, this is Mike calling from Acme.",
        &map,
    );
    assert_eq!(speakers(&turns), [Agent, Customer]);
    assert_eq!(speaker_role("0", &map), Unknown);
    assert_eq!(speaker_role(" Persuadee ", &map), Customer);
    assert_eq!(speaker_role("Closer", &map), Agent);
}

#[test]
fn text_without_labels_is_one_unknown_turn_per_line() {
    let turns = parse_text("hello there\n\n  how are you  \n", &SpeakerMap::default());
    assert_eq!(texts(&turns), ["hello there", "how are you"]);
    assert!(
        turns
            .iter()
            .all(|t| t.speaker == Unknown && t.label.is_none())
    );
}

#[test]
fn every_fixture_turn_is_a_verbatim_slice() {
    for name in [
        "labelled.txt",
        "speaker_ranges.txt",
        "bracketed_hms.txt",
        "bracketed_speaker_num.txt",
        "bare_timestamps.txt",
        "timestamp_lines.txt",
        "vici_one_line.txt",
        "named_speakers.txt",
    ] {
        let (raw, turns) = parse(name);
        assert!(!turns.is_empty(), "{name}");
        for t in &turns {
            assert!(raw.contains(&t.text), "{name}: {:?}", t.text);
        }
    }
}

#[test]
fn spk_labels_with_a_self_introduction() {
    let raw = "spk_0: Yeah?\nspk_1: Hi, my name is Ana.\nspk_0: What do you want?";
    let turns = parse_text(raw, &SpeakerMap::default());
    assert_eq!(speakers(&turns), [Customer, Agent, Customer]);
}

#[test]
fn equal_cues_on_both_sides_decide_nothing() {
    let raw = "Speaker A: Hi, my name is Ana.\nSpeaker B: Hello, my name is Bo.";
    let turns = parse_text(raw, &SpeakerMap::default());
    assert_eq!(speakers(&turns), [Unknown, Unknown]);
}

#[test]
fn outbound_caller_beats_a_business_answering_like_an_inbound_agent() {
    let raw = "Speaker A: Hello, ABC Plumbing, this is Bob, how can I help you?\n\
Speaker B: Hi Bob, this is Mike calling from 411 Locals.\n\
Speaker A: Okay.";
    let turns = parse_text(raw, &SpeakerMap::default());
    assert_eq!(speakers(&turns), [Customer, Agent, Customer]);
}

#[test]
fn utterance_turns_get_the_same_role_heuristics() {
    let turn = |label: &str, text: &str| Turn::new(Some(label.into()), text);
    let mut turns = vec![
        turn("B", "Hello?"),
        turn("A", "Hi, this is Ana calling from Acme."),
        turn("B", "Yes?"),
    ];
    assign_roles(&mut turns, &SpeakerMap::default(), Layout::Turns);
    assert_eq!(speakers(&turns), [Customer, Agent, Customer]);
}

#[test]
fn labels_with_a_parenthesised_name() {
    let raw =
        "Agent (Mike): Hi, quick question.\nCustomer (Sue): Sure.\nAgent (Mike): Great (really):";
    let turns = parse_text(raw, &SpeakerMap::default());
    assert_eq!(speakers(&turns), [Agent, Customer, Agent]);
    assert_eq!(turns[1].label.as_deref(), Some("Customer (Sue)"));
    assert_eq!(turns[2].text, "Great (really):");
}
